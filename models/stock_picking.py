from odoo import _, fields, models
from odoo.tools import float_compare

from ..exceptions import FulfilmentLossError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # ------------------------------------------------------------
    # Validation: loss guard, scans, status events, warranty
    # ------------------------------------------------------------

    def _pre_action_done_hook(self):
        # Loss guard: a delivery of an order at a loss waits for a manager. The
        # orders are read as superuser: whoever may validate the delivery gets
        # the guard's answer, even without access to the order itself.
        deliveries = self.sudo().filtered(
            lambda picking: picking.picking_type_code == "outgoing" and picking.sale_id
        )
        deliveries.sale_id._fulfilment_loss_guard_refuse(
            "delivery", _("Delivery validation")
        )
        # What the picking screen scanned of a line is what that line ships,
        # before Odoo decides what is picked and whether a backorder is needed.
        self.move_line_ids._fulfilment_apply_scans()
        return super()._pre_action_done_hook()

    def action_fulfilment_validate(self):
        """The Validate button of the delivery form.

        :meth:`button_validate` as Odoo's button does it (wizards such as the
        backorder's included); when the loss guard refuses, the approval dialog
        opens instead of the error, which code calling ``button_validate`` gets.
        """
        try:
            with self.env.cr.savepoint():
                return self.button_validate()
        except FulfilmentLossError as error:
            error.orders._fulfilment_loss_block(error.action_label)
            return error.orders.with_env(self.env)._fulfilment_loss_guard_action(
                pickings=self
            )

    def _action_done(self):
        result = super()._action_done()
        # Warehouse users receive the parcel; the return follows as a system
        # event (the status history still records who validated).
        self.filtered(
            lambda p: p.fulfilment_rma_id and p.picking_type_code == "incoming"
        ).fulfilment_rma_id.sudo()._on_return_received()
        # Goods that leave for the customer put the order on its way (after the
        # AWB, which Odoo requests while validating). A return's replacement
        # parcel belongs to the return, not to the order's own journey.
        for picking in self.filtered(
            lambda p: (
                p.state == "done"
                and p.sale_id
                and not p.fulfilment_rma_id
                and p.picking_type_code == "outgoing"
                and p.location_dest_id.usage == "customer"
            )
        ):
            picking.sale_id._fulfilment_trigger_event(
                "shipped", reason=_("Delivery %s validated", picking.name)
            )
        # Warranty: delivered units get their certificates, returned units
        # void theirs (whoever validates, pickers included).
        done_moves = self.move_ids.filtered(lambda m: m.state == "done")
        Warranty = self.env["fulfilment.warranty"]
        Warranty._void_for_returns(done_moves)
        Warranty._issue_for_moves(done_moves)
        return result

    def send_to_shipper(self):
        # Odoo asks a "Get Rate and Create Shipment" carrier for the AWB while
        # the delivery is validated. Order completion validates, posts the
        # invoice, and only then asks for the AWB of the deliveries it marked
        # (sale_order_completion.py).
        if self.fulfilment_awb_after_invoice:
            return None
        return super().send_to_shipper()

    def _fulfilment_is_ready_to_complete(self):
        """Whether the delivery can be validated in full: every quantity reserved."""
        self.ensure_one()
        moves = self.move_ids.filtered(lambda move: move.state != "cancel")
        return (
            self.state == "assigned"
            and bool(moves)
            and all(
                float_compare(
                    move.quantity,
                    move.product_uom_qty,
                    precision_rounding=move.product_uom.rounding,
                )
                >= 0
                for move in moves
            )
        )

    fulfilment_awb_after_invoice = fields.Boolean(
        string="AWB After the Invoice",
        copy=False,
        readonly=True,
        help="Order completion asks the courier for this delivery's AWB once the "
        "order's invoice is posted: validating the delivery does not.",
    )
    fulfilment_rma_id = fields.Many2one(
        "fulfilment.rma",
        string="Return (RMA)",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )

    def _create_backorder_picking(self):
        # The rest of a partly received return still belongs to its RMA.
        backorder = super()._create_backorder_picking()
        if self.fulfilment_rma_id:
            backorder.fulfilment_rma_id = self.fulfilment_rma_id
        return backorder

    def action_view_fulfilment_rma(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "fulfilment.rma",
            "view_mode": "form",
            "res_id": self.fulfilment_rma_id.id,
        }

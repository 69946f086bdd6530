"""How a return is resolved once its goods are back: return pickings through
Odoo's own return wizard, credit notes, replacements and exchanges (with the
price difference invoiced or refunded), repairs, surcharges, and the final
state. The return's life cycle and portal side are in ``fulfilment_rma.py``."""

from collections import defaultdict

from odoo import Command, _, fields, models
from odoo.tools import float_is_zero

from .fulfilment_rma import RESOLUTION_STATES


class FulfilmentRma(models.Model):
    _inherit = "fulfilment.rma"

    def _create_return_pickings(self):
        """Create the return pickings with Odoo's own return wizard, one per
        delivered picking the returned quantities come from."""
        self.ensure_one()
        quantities_by_move = defaultdict(float)
        line_by_move = {}
        for line in self.line_ids:
            for move, quantity in line._allocate_to_delivery_moves():
                quantities_by_move[move] += quantity
                line_by_move[move] = line
        pickings = self.env["stock.move"].concat(*quantities_by_move).picking_id
        # Approving the return is the authorisation: the approver need not
        # hold inventory rights to have the return picking prepared.
        ReturnWizard = self.env["stock.return.picking"].sudo()
        for picking in pickings:
            wizard = ReturnWizard.with_context(
                active_model="stock.picking", active_id=picking.id
            ).create({"picking_id": picking.id})
            for return_line in wizard.product_return_moves:
                return_line.write(
                    {
                        "quantity": quantities_by_move.get(return_line.move_id, 0.0),
                        "to_refund": True,
                    }
                )
            return_picking = wizard._create_return()
            return_picking.write(
                {
                    "fulfilment_rma_id": self.id,
                    "origin": f"{self.name} ({picking.name})",
                }
            )
            for return_move in return_picking.move_ids:
                rma_line = line_by_move.get(return_move.origin_returned_move_id)
                if rma_line:
                    return_move.fulfilment_rma_line_id = rma_line
                    if rma_line.lot_id:
                        return_move.move_line_ids.lot_id = rma_line.lot_id

    def _on_return_received(self):
        """Called when a return picking is validated."""
        received = self.filtered(
            lambda rma: (
                rma.state == "approved"
                and all(
                    p.state in ("done", "cancel")
                    for p in rma.picking_ids
                    if p.picking_type_code == "incoming"
                )
            )
        )
        if not received:
            return
        received.write({"state": "received", "date_received": fields.Datetime.now()})
        received.order_id._fulfilment_trigger_event(
            "returned",
            reason=_(
                "Return %(rmas)s received", rmas=", ".join(received.mapped("name"))
            ),
        )

    def _prepare_move_vals(self, move_type):
        """Header of a credit note or invoice for this return (hook)."""
        self.ensure_one()
        vals = self.order_id._prepare_invoice()
        vals.update(
            {
                "move_type": move_type,
                "invoice_origin": f"{self.order_id.name}, {self.name}",
                "ref": self.name,
                "fulfilment_rma_id": self.id,
                "invoice_line_ids": [],
            }
        )
        return vals

    def _prepare_refund_lines(self, lines):
        """Credit note lines for the returned ``lines`` (hook)."""
        values = [
            line.sale_line_id._prepare_invoice_line(quantity=line.quantity_received)
            for line in lines
        ]
        if self.refund_shipping and not self._shipping_already_refunded():
            values += [
                sale_line._prepare_invoice_line(quantity=sale_line.product_uom_qty)
                for sale_line in self.order_id.order_line.filtered("is_delivery")
                if not float_is_zero(sale_line.price_unit, precision_digits=6)
            ]
        return values

    def _shipping_already_refunded(self):
        self.ensure_one()
        return bool(
            self.search_count(
                [
                    ("order_id", "=", self.order_id.id),
                    ("id", "!=", self.id),
                    ("refund_shipping", "=", True),
                    ("move_ids.move_type", "=", "out_refund"),
                ],
                limit=1,
            )
        )

    def _create_credit_note(self, lines):
        self.ensure_one()
        vals = self._prepare_move_vals("out_refund")
        vals["invoice_line_ids"] = [
            Command.create(line_vals) for line_vals in self._prepare_refund_lines(lines)
        ]
        credit_note = self.env["account.move"].sudo().create(vals).sudo(False)
        credit_note.message_post_with_source(
            "mail.message_origin_link",
            render_values={"self": credit_note, "origin": self},
            subtype_xmlid="mail.mt_note",
        )
        return credit_note

    def _create_exchange_difference(self, lines):
        """Invoice or credit the price difference of the exchanged items.

        One document holds both sides: the new products and the returned ones
        with the opposite sign. Its type follows the sign of the difference.
        """
        self.ensure_one()
        difference = sum(
            line.exchange_price_unit * line.quantity_received
            - line._get_unit_value() * line.quantity_received
            for line in lines
        )
        if self.currency_id.is_zero(difference):
            return self.env["account.move"]
        sign = 1 if difference > 0 else -1
        move_type = "out_invoice" if sign > 0 else "out_refund"
        fiscal_position = self.order_id.fiscal_position_id
        line_vals = []
        for line in lines:
            product = line.exchange_product_id
            taxes = product.taxes_id._filter_taxes_by_company(self.company_id)
            line_vals.append(
                {
                    "product_id": product.id,
                    "name": _(
                        "Exchange: %(product)s",
                        product=product.display_name,
                    ),
                    "quantity": sign * line.quantity_received,
                    "price_unit": line.exchange_price_unit,
                    "tax_ids": [Command.set(fiscal_position.map_tax(taxes).ids)],
                }
            )
            line_vals.append(
                line.sale_line_id._prepare_invoice_line(
                    quantity=-sign * line.quantity_received
                )
            )
        vals = self._prepare_move_vals(move_type)
        vals["invoice_line_ids"] = [Command.create(v) for v in line_vals]
        return self.env["account.move"].sudo().create(vals).sudo(False)

    def _invoice_surcharges(self):
        """Invoice the surcharges that are not invoiced yet."""
        self.ensure_one()
        surcharges = self.surcharge_ids.filtered(lambda s: not s.invoice_line_id)
        if not surcharges:
            return self.env["account.move"]
        vals = self._prepare_move_vals("out_invoice")
        vals["invoice_line_ids"] = [
            Command.create(s._prepare_invoice_line()) for s in surcharges
        ]
        invoice = self.env["account.move"].sudo().create(vals).sudo(False)
        for surcharge, move_line in zip(
            surcharges, invoice.invoice_line_ids.sorted("sequence"), strict=True
        ):
            surcharge.invoice_line_id = move_line
        return invoice

    def _create_delivery(self, lines, same_product):
        """Ship the replacement, repaired or exchanged items to the customer."""
        self.ensure_one()
        if not lines:
            return self.env["stock.picking"]
        order = self.order_id
        warehouse = order.warehouse_id
        picking_type = warehouse.out_type_id
        customer_location = order.partner_shipping_id.property_stock_customer
        move_vals = []
        for line in lines:
            product = line.product_id if same_product else line.exchange_product_id
            vals = {
                "name": product.display_name,
                "product_id": product.id,
                "product_uom": product.uom_id.id,
                "product_uom_qty": line.quantity_received,
                "location_id": picking_type.default_location_src_id.id,
                "location_dest_id": customer_location.id,
                "fulfilment_rma_line_id": line.id,
                "company_id": self.company_id.id,
                "partner_id": order.partner_shipping_id.id,
            }
            if same_product:
                # The order's line is delivered again: its delivered quantity
                # goes back up after the return lowered it.
                vals["sale_line_id"] = line.sale_line_id.id
            move_vals.append(Command.create(vals))
        group = (
            order.procurement_group_id
            if same_product
            else self.env["procurement.group"]
        )
        for command in move_vals:
            command[2]["group_id"] = group.id
        picking = (
            self.env["stock.picking"]
            .sudo()
            .create(
                {
                    "picking_type_id": picking_type.id,
                    "partner_id": order.partner_shipping_id.id,
                    "origin": f"{order.name}, {self.name}",
                    "location_id": picking_type.default_location_src_id.id,
                    "location_dest_id": customer_location.id,
                    "company_id": self.company_id.id,
                    "fulfilment_rma_id": self.id,
                    "group_id": group.id,
                    "carrier_id": order.carrier_id.id,
                    "move_ids": move_vals,
                }
            )
        )
        picking.action_confirm()
        picking.action_assign()
        return picking.sudo(False)

    def _fulfilment_start_repair(self, lines):
        """Open the repair case of ``lines``.

        Kept as an activity on the return; a service-case module overrides
        this hook to create its own claim instead.
        """
        self.ensure_one()
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Repair the returned items"),
            note=", ".join(
                f"{line.product_id.display_name} × {line.quantity_received:g}"
                for line in lines
            ),
            user_id=(self.user_id or self.env.user).id,
        )

    def _mark_resolved(self):
        self.ensure_one()
        resolutions = set(
            self.line_ids.filtered("quantity_received").mapped("resolution")
        )
        state = (
            RESOLUTION_STATES[resolutions.pop()]
            if len(resolutions) == 1
            else "resolved"
        )
        self.write({"state": state, "date_resolved": fields.Datetime.now()})

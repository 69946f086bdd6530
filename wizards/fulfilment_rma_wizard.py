from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..models.fulfilment_rma import RMA_REASONS, RMA_RESOLUTIONS
from ..models.fulfilment_rma_line import ITEM_CONDITIONS


class FulfilmentRmaWizard(models.TransientModel):
    _name = "fulfilment.rma.wizard"
    _description = "Return Items of an Order"

    order_id = fields.Many2one("sale.order", required=True)
    reason = fields.Selection(RMA_REASONS, required=True, default="defective")
    description = fields.Text(string="Customer's Description")
    requested_resolution = fields.Selection(
        RMA_RESOLUTIONS, string="Resolution", required=True, default="refund"
    )
    refund_shipping = fields.Boolean()
    line_ids = fields.One2many(
        "fulfilment.rma.wizard.line",
        "wizard_id",
        string="Items",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        precompute=True,
    )

    @api.depends("order_id")
    def _compute_line_ids(self):
        for wizard in self:
            commands = [Command.clear()]
            for sale_line in wizard.order_id._fulfilment_get_returnable_lines():
                commands.append(
                    Command.create({"sale_line_id": sale_line.id, "quantity": 0.0})
                )
            wizard.line_ids = commands

    def action_create_rma(self):
        """Create the return with the chosen items and submit it."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: line.quantity > 0)
        if not lines:
            raise UserError(_("Enter the quantity of at least one item to return."))
        rma = self.env["fulfilment.rma"].create(
            {
                "order_id": self.order_id.id,
                "partner_id": self.order_id.partner_id.id,
                "reason": self.reason,
                "description": self.description,
                "requested_resolution": self.requested_resolution,
                "refund_shipping": self.refund_shipping,
                "line_ids": [
                    Command.create(
                        {
                            "sale_line_id": line.sale_line_id.id,
                            "quantity": line.quantity,
                            "condition": line.condition,
                            "reason": line.reason or self.reason,
                            "requested_resolution": line.requested_resolution
                            or self.requested_resolution,
                            "lot_id": line.lot_id.id,
                            "exchange_product_id": line.exchange_product_id.id,
                        }
                    )
                    for line in lines
                ],
            }
        )
        rma.action_request()
        # The order stays on screen, reloaded, with a link to the return.
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _(
                    "Return %s requested: approve it to create the return receipt."
                ),
                "links": [{"label": rma.name, "url": f"/odoo/fulfilment.rma/{rma.id}"}],
                "next": {"type": "ir.actions.act_window_close"},
            },
        }


class FulfilmentRmaWizardLine(models.TransientModel):
    _name = "fulfilment.rma.wizard.line"
    _description = "Item to Return"

    wizard_id = fields.Many2one(
        "fulfilment.rma.wizard", required=True, ondelete="cascade"
    )
    sale_line_id = fields.Many2one(
        "sale.order.line", string="Order Line", required=True
    )
    product_id = fields.Many2one(related="sale_line_id.product_id")
    qty_delivered = fields.Float(
        related="sale_line_id.qty_delivered", string="Delivered"
    )
    quantity = fields.Float(string="Return", digits="Product Unit of Measure")
    condition = fields.Selection(ITEM_CONDITIONS, default="as_new")
    # Per item, what the return says for all of them unless changed here.
    reason = fields.Selection(
        RMA_REASONS,
        compute="_compute_request",
        store=True,
        readonly=False,
        precompute=True,
    )
    requested_resolution = fields.Selection(
        RMA_RESOLUTIONS,
        string="Resolution",
        compute="_compute_request",
        store=True,
        readonly=False,
        precompute=True,
    )
    lot_id = fields.Many2one(
        "stock.lot", string="Lot/Serial", domain="[('product_id', '=', product_id)]"
    )
    exchange_product_id = fields.Many2one(
        "product.product",
        string="Exchange For",
        domain="[('sale_ok', '=', True), ('type', '=', 'consu')]",
    )

    @api.depends("wizard_id.reason", "wizard_id.requested_resolution")
    def _compute_request(self):
        for line in self:
            line.reason = line.wizard_id.reason
            line.requested_resolution = line.wizard_id.requested_resolution

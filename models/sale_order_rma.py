"""Returns (RMA) of the order."""

from odoo import _, api, fields, models
from odoo.tools import (
    float_compare,
)

RMA_READERS = (
    "order_fulfilment.group_user,stock.group_stock_user,account.group_account_invoice"
)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # Returns are read by fulfilment operators, warehouse and invoicing users:
    # Sales users without a fulfilment group do not see them.
    fulfilment_rma_ids = fields.One2many(
        "fulfilment.rma",
        "order_id",
        string="Returns",
        readonly=True,
        groups=RMA_READERS,
    )
    fulfilment_rma_count = fields.Integer(
        string="Returns Count",
        compute="_compute_fulfilment_rma_count",
        groups=RMA_READERS,
    )
    fulfilment_can_return = fields.Boolean(
        compute="_compute_fulfilment_can_return",
        help="Something was delivered and can be returned.",
    )

    @api.depends("fulfilment_rma_ids")
    def _compute_fulfilment_rma_count(self):
        groups = self.env["fulfilment.rma"]._read_group(
            [("order_id", "in", self.ids)], ["order_id"], ["__count"]
        )
        counts = {order.id: count for order, count in groups}
        for order in self:
            order.fulfilment_rma_count = counts.get(order.id, 0)

    @api.depends("state", "order_line.qty_delivered")
    def _compute_fulfilment_can_return(self):
        for order in self:
            order.fulfilment_can_return = order.state == "sale" and bool(
                order._fulfilment_get_returnable_lines()
            )

    def action_fulfilment_return(self):
        """Open the return wizard for the delivered lines of the order."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Return"),
            "res_model": "fulfilment.rma.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def action_view_fulfilment_rmas(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_fulfilment.fulfilment_rma_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id}
        if self.fulfilment_rma_count == 1:
            action.update(views=[(False, "form")], res_id=self.fulfilment_rma_ids.id)
        return action

    def _fulfilment_get_returnable_lines(self):
        """Order lines with a delivered quantity the customer may return."""
        self.ensure_one()
        lines = self.order_line.filtered(
            lambda line: (
                not line.is_delivery
                and not line.display_type
                and line.product_id.type == "consu"
                and line.qty_delivered > 0
            )
        )
        # Lines entirely claimed by open returns have nothing left to return.
        claimed = self.env["fulfilment.rma.line"]._get_claimed_quantities(lines)
        return lines.filtered(
            lambda line: (
                float_compare(
                    line.qty_delivered,
                    claimed.get(line.id, 0.0),
                    precision_rounding=line.product_uom.rounding,
                )
                > 0
            )
        )

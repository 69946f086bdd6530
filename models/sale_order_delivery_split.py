"""Partial shipments: ship part of the order now, the rest later."""

from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_fulfilment_split_delivery(self):
        """Ship part of the order now and the rest later, line by line."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_fulfilment.fulfilment_delivery_split_action"
        )
        action["context"] = {"default_order_id": self.id}
        return action

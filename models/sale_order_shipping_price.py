"""What the shipping price of an order depends on: where it leaves from,
its weight and its item count."""

from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _fulfilment_shipping_origin(self):
        """The address the parcel leaves from: the shipping warehouse's, else
        the company's."""
        self.ensure_one()
        return self.warehouse_id.partner_id or self.company_id.partner_id

    def _fulfilment_parcel_measures(self):
        """(weight in kg, number of items) of the goods to ship."""
        self.ensure_one()
        lines = self.order_line.filtered(
            lambda line: (
                line.product_id.type == "consu"
                and not line.is_delivery
                and not line.display_type
                and line.state != "cancel"
            )
        )
        return self.shipping_weight, sum(lines.mapped("product_qty"))

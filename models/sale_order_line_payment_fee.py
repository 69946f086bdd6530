"""The payment fee line of an order (see sale_order_payment_fee.py)."""

from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    is_payment_fee = fields.Boolean(
        string="Is a Payment Fee",
        default=False,
        help="The fee the customer pays for the payment method chosen at checkout "
        "(cash on delivery...). Kept in step with the order by the checkout.",
    )

    def _show_in_cart(self):
        # Shown in the cart's totals, not as a product the customer can change.
        return super()._show_in_cart() and not self.is_payment_fee

    def _is_not_sellable_line(self):
        return self.is_payment_fee or super()._is_not_sellable_line()

    def _can_be_invoiced_alone(self):
        return super()._can_be_invoiced_alone() and not self.is_payment_fee

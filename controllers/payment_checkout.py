"""Checkout payment step: the fee of the chosen method, cash on delivery and
methods reserved to companies or persons."""

from odoo.exceptions import AccessError, MissingError
from odoo.http import request, route

from odoo.addons.website_sale.controllers.payment import PaymentPortal


class FulfilmentPaymentPortal(PaymentPortal):
    @route("/shop/payment/fulfilment_fee", type="json", auth="public", website=True)
    def shop_payment_fulfilment_fee(
        self, payment_option_type=None, payment_option_id=None, **kwargs
    ):
        """The customer picked a payment option: charge its method's fee on the
        cart (or drop the previous one) and return the new totals."""
        order_sudo = request.website.sale_get_order()
        if not order_sudo or order_sudo.state != "draft":
            return {}
        method = self._fulfilment_option_payment_method(
            order_sudo, payment_option_type, payment_option_id
        )
        order_sudo._fulfilment_set_checkout_payment_method(method)
        return self._fulfilment_fee_summary(order_sudo)

    @route()
    def shop_payment_transaction(self, order_id, access_token, **kwargs):
        # The fee follows the method actually paid with, whatever the page
        # showed: a changed total makes Odoo refuse the payment ("The cart has
        # been updated"), never charge without the fee.
        try:
            order_sudo = self._document_check_access(
                "sale.order", order_id, access_token
            )
        except (AccessError, MissingError):
            order_sudo = None  # Odoo's own route refuses it.
        if order_sudo and order_sudo.state == "draft":
            if kwargs.get("token_id"):
                option = ("token", kwargs["token_id"])
            else:
                option = ("payment_method", kwargs.get("payment_method_id"))
            order_sudo._fulfilment_set_checkout_payment_method(
                self._fulfilment_option_payment_method(order_sudo, *option)
            )
        return super().shop_payment_transaction(order_id, access_token, **kwargs)

    def _validate_transaction_for_order(self, transaction, sale_order):
        result = super()._validate_transaction_for_order(transaction, sale_order)
        sale_order._fulfilment_check_checkout_provider(transaction.provider_id)
        return result

    def _fulfilment_option_payment_method(self, order_sudo, option_type, option_id):
        """The ``payment.method`` of a payment option of the form: a method, or
        a saved token of the customer."""
        try:
            option_id = int(option_id or 0)
        except (TypeError, ValueError):
            option_id = 0
        if option_type == "token":
            token = request.env["payment.token"].sudo().browse(option_id).exists()
            customer = order_sudo.partner_id.commercial_partner_id
            if token and token.partner_id.commercial_partner_id == customer:
                return token.payment_method_id
            return request.env["payment.method"]
        return request.env["payment.method"].sudo().browse(option_id).exists()

    def _fulfilment_fee_summary(self, order):
        """The cart's totals after a fee change, formatted as the cart shows them."""
        monetary = request.env["ir.qweb.field.monetary"]
        options = {"display_currency": order.currency_id}
        return {
            "success": True,
            "has_fee": bool(order.order_line.filtered("is_payment_fee")),
            "amount_payment_fee": monetary.value_to_html(
                order.fulfilment_amount_payment_fee, options
            ),
            "amount_untaxed": monetary.value_to_html(order.amount_untaxed, options),
            "amount_tax": monetary.value_to_html(order.amount_tax, options),
            "amount_total": monetary.value_to_html(order.amount_total, options),
            "amount_total_raw": order.amount_total,
        }

"""Payment fees charged to the customer: one line of the order, per its method.

What the shop charges (the fee line, revenue) is set per payment method on
``fulfilment.payment.policy`` (``customer_fee_*``), apart from what the method
costs the shop (``fee_fixed``/``fee_percent``, which the profit deducts).
"""

from odoo import _, api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    fulfilment_amount_payment_fee = fields.Monetary(
        string="Payment Fee",
        compute="_compute_fulfilment_amount_payment_fee",
        help="The fee of the payment method charged on the order, shown with or "
        "without taxes as the shop shows its prices.",
    )

    @api.depends("order_line.price_total", "order_line.price_subtotal")
    def _compute_fulfilment_amount_payment_fee(self):
        for order in self:
            lines = order.order_line.filtered("is_payment_fee")
            tax_excluded = (
                order.website_id.show_line_subtotals_tax_selection == "tax_excluded"
            )
            order.fulfilment_amount_payment_fee = sum(
                lines.mapped("price_subtotal" if tax_excluded else "price_total")
            )

    def _fulfilment_set_checkout_payment_method(self, payment_method):
        """The customer picked ``payment_method`` at checkout: remember it and
        charge its fee (or drop the fee of the method picked before)."""
        self.ensure_one()
        if (
            payment_method.code == "cash_on_delivery"
            and not self._fulfilment_can_collect_cash()
        ):
            payment_method = payment_method.browse()  # not offered: no fee either
        if self.fulfilment_payment_method_id != payment_method:
            self.fulfilment_payment_method_id = payment_method
        self._fulfilment_update_payment_fee()

    def _fulfilment_update_payment_fee(self):
        """Give each quotation the fee line of its payment method, computed on
        its current total: added, updated, or removed when the method charges
        nothing. Never more than one fee line. Confirmed orders are left alone.
        """
        for order in self.filtered(lambda order: order.state in ("draft", "sent")):
            fee_lines = order.order_line.filtered("is_payment_fee")
            policy = order.fulfilment_payment_policy_id
            product = policy.customer_fee_product_id
            goods = order.order_line.filtered(
                lambda line: (
                    not line.is_payment_fee
                    and not line.is_delivery
                    and not line.display_type
                )
            )
            amount = 0.0
            if product and goods:
                company = order.company_id
                date = order.date_order or fields.Date.context_today(order)
                total = order.amount_total - sum(fee_lines.mapped("price_total"))
                fee = policy._fulfilment_customer_fee(
                    order.currency_id._convert(
                        total, company.currency_id, company, date
                    )
                )
                amount = company.currency_id._convert(
                    fee, order.currency_id, company, date
                )
            if order.currency_id.is_zero(amount):
                fee_lines.unlink()
                continue
            values = order._fulfilment_payment_fee_line_values(product, amount)
            if fee_lines:
                fee_lines[1:].unlink()
                fee_lines[0].write(values)
            else:
                self.env["sale.order.line"].create(
                    {**values, "order_id": order.id, "is_payment_fee": True}
                )

    def _fulfilment_payment_fee_line_values(self, product, amount):
        """Values of the fee line of ``product`` charging ``amount`` taxes
        included (in the order currency)."""
        self.ensure_one()
        taxes = self.fiscal_position_id.map_tax(
            product.taxes_id._filter_taxes_by_company(self.company_id)
        )
        price_unit = amount
        if taxes and not all(taxes.mapped("price_include")):
            price_unit = taxes.with_context(force_price_include=True).compute_all(
                amount,
                currency=self.currency_id,
                quantity=1.0,
                product=product,
                partner=self.partner_shipping_id,
            )["total_excluded"]
        method = self.fulfilment_payment_method_id
        return {
            "product_id": product.id,
            "name": _(
                "%(product)s (%(method)s)", product=product.name, method=method.name
            )
            if method
            else product.name,
            "product_uom_qty": 1.0,
            "price_unit": price_unit,
            "tax_id": [fields.Command.set(taxes.ids)],
            "discount": 0.0,
            "sequence": max(
                self.order_line.filtered(lambda line: not line.is_payment_fee).mapped(
                    "sequence"
                ),
                default=10,
            )
            + 1,
        }

    # Recompute the fee when what it depends on changes ----------------

    def _get_update_prices_lines(self):
        # The pricelist does not price the fee: it follows the order's total.
        return (
            super()
            ._get_update_prices_lines()
            .filtered(lambda line: not line.is_payment_fee)
        )

    def _recompute_prices(self):
        result = super()._recompute_prices()
        # New prices, new total: the fee already charged follows it.
        self.filtered(
            lambda order: order.order_line.filtered("is_payment_fee")
        )._fulfilment_update_payment_fee()
        return result

    def _cart_update(self, *args, **kwargs):
        result = super()._cart_update(*args, **kwargs)
        self._fulfilment_update_payment_fee()
        return result

    def _set_delivery_method(self, *args, **kwargs):
        result = super()._set_delivery_method(*args, **kwargs)
        # A delivery that does not collect cannot go with cash on delivery.
        if (
            self.fulfilment_payment_method_id.code == "cash_on_delivery"
            and not self._fulfilment_can_collect_cash()
        ):
            self.fulfilment_payment_method_id = False
        self._fulfilment_update_payment_fee()
        return result

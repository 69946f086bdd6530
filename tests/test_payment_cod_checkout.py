import lxml.html

from odoo.tests import JsonRpcException, tagged

from .checkout_common import ShopCheckoutCase


@tagged("post_install", "-at_install")
class TestCashOnDeliveryCheckout(ShopCheckoutCase):
    """Cash on delivery and its fee, through the shop's own routes."""

    def _cart_with_address(self, carrier):
        order = self._add_to_cart()
        answer = self._submit_address()
        self.assertIn("redirectUrl", answer, answer)
        self._set_delivery(carrier)
        self.env.invalidate_all()
        return order

    def _payment_options(self):
        page = lxml.html.fromstring(self._payment_page())
        return {
            radio.get("data-payment-method-code")
            for radio in page.xpath("//input[@name='o_payment_radio']")
        }

    def _fee_lines(self, order):
        self.env.invalidate_all()
        return order.order_line.filtered("is_payment_fee")

    def test_cod_checkout_confirms_order_with_fee(self):
        """The customer picks cash on delivery: the fee line is added and shown
        in the totals; switching to card removes it, back to cash on delivery
        adds it once. Paying confirms the order, with its fee, its transaction
        pending and the courier to collect the whole total."""
        order = self._cart_with_address(self.courier)
        self.assertEqual(order.carrier_id, self.courier)
        self.assertEqual(self._payment_options(), {"cash_on_delivery", "card"})

        total = order.amount_total
        self.assertAlmostEqual(total, 220.0, places=2, msg="200 + 20 delivery")
        expected_fee = 12.20  # 10 + 1% of 220, within [12, 30]
        summary = self._pick_method(self.cod_method)
        fee = self._fee_lines(order)
        self.assertEqual(len(fee), 1)
        self.assertEqual(fee.product_id, self.fee_product)
        # 10 lei + 1% of the total, VAT included, within [12, 30].
        self.assertAlmostEqual(fee.price_total, expected_fee, places=2)
        self.assertEqual(fee.tax_id.amount, 19.0)
        self.assertAlmostEqual(order.amount_total, total + expected_fee, places=2)
        self.assertTrue(summary["has_fee"])
        self.assertAlmostEqual(
            summary["amount_total_raw"], total + expected_fee, places=2
        )
        page = lxml.html.fromstring(self._payment_page())
        fee_row = page.xpath("//tr[@id='order_payment_fee']")[0]
        self.assertNotIn("d-none", fee_row.get("class") or "")
        self.assertIn(f"{expected_fee:.2f}", fee_row.text_content())

        summary = self._pick_method(self.card_method)
        self.assertFalse(summary["has_fee"])
        self.assertFalse(self._fee_lines(order))
        self.assertAlmostEqual(order.amount_total, total, places=2)

        self._pick_method(self.cod_method)
        self._pick_method(self.cod_method)
        self.assertEqual(len(self._fee_lines(order)), 1, "never duplicated")

        processing = self._pay(
            order, self.cod_provider, self.cod_method, total + expected_fee
        )
        form = lxml.html.fromstring(processing["redirect_form_html"])
        fields = {field.get("name"): field.get("value") for field in form.iter("input")}
        response = self.url_open(form.get("action"), data=fields, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.make_jsonrpc_request("/payment/status/poll", {})

        self.env.invalidate_all()
        self.assertEqual(order.state, "sale", "confirmed at checkout")
        transaction = order.transaction_ids
        self.assertEqual(transaction.state, "pending")
        self.assertEqual(transaction.provider_id, self.cod_provider)
        self.assertEqual(len(self._fee_lines(order)), 1)
        confirmation = order.message_ids.filtered(
            lambda message: order.name in (message.subject or "")
        )
        self.assertEqual(len(confirmation), 1, "the order confirmation is e-mailed")
        self.assertIn(order.partner_id, confirmation.partner_ids)
        self.assertIn("Cash on delivery fee", confirmation.body)
        self.assertTrue(order.fulfilment_cash_on_delivery)
        self.assertFalse(order.payment_deadline, "paid on delivery")
        self.assertEqual(order.fulfilment_payment_method_id, self.cod_method)
        self.assertAlmostEqual(
            order.fulfilment_amount_due, total + expected_fee, places=2
        )
        self.assertTrue(order.fulfilment_payment_queued)
        picking = order.picking_ids
        self.assertAlmostEqual(
            order.carrier_id._fulfilment_cod_amount(picking),
            total + expected_fee,
            places=2,
        )
        # The fee charged is revenue; what the method costs the shop (the
        # policy's 4 lei, in company currency) stays the profit's payment cost.
        fee = self._fee_lines(order)
        self.assertGreater(fee.price_subtotal, 0)
        self.assertAlmostEqual(
            order.profit_revenue, order.amount_untaxed / order.currency_rate, places=2
        )
        self.assertAlmostEqual(order.profit_payment_fee, 4.0, places=2)

    def test_cart_change_recomputes_fee(self):
        """Changing the cart recomputes the fee on the new total."""
        order = self._cart_with_address(self.courier)
        self._pick_method(self.cod_method)
        self.make_jsonrpc_request(
            "/shop/cart/update_json", {"product_id": self.product.id, "add_qty": 9}
        )
        fee = self._fee_lines(order)
        self.assertEqual(len(fee), 1)
        # 10 + 1% of 2020 = 30.20, capped at 30.
        self.assertAlmostEqual(fee.price_total, 30.0, places=2)
        goods = order.order_line.filtered(lambda line: line.product_id == self.product)
        self.make_jsonrpc_request(
            "/shop/cart/update_json",
            {"product_id": self.product.id, "line_id": goods.id, "set_qty": 0},
        )
        self.assertFalse(self._fee_lines(order), "an emptied cart owes no fee")

    def test_cod_not_offered_when_delivery_does_not_collect(self):
        """With a delivery method that does not collect, cash on delivery is not
        offered, and switching to it drops a fee already charged."""
        order = self._cart_with_address(self.courier)
        self._pick_method(self.cod_method)
        self.assertTrue(self._fee_lines(order))
        self._set_delivery(self.locker)
        self.assertFalse(self._fee_lines(order))
        self.assertEqual(self._payment_options(), {"card"})

    def test_forged_cod_payment_refused(self):
        """Paying cash on delivery with a delivery that does not collect is
        refused, and the order stays a cart."""
        order = self._cart_with_address(self.locker)
        with self.assertRaises(JsonRpcException):
            self._pay(order, self.cod_provider, self.cod_method, order.amount_total)
        self.env.invalidate_all()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.transaction_ids)

    def test_payment_without_the_fee_refused(self):
        """A payment sent for the total without the fee (a stale page) is
        refused: the cart must be refreshed, nothing is charged."""
        order = self._cart_with_address(self.courier)
        self._pick_method(self.card_method)
        self.env.invalidate_all()
        without_fee = order.amount_total
        with self.assertRaisesRegex(JsonRpcException, "ValidationError"):
            self._pay(order, self.cod_provider, self.cod_method, without_fee)
        self.env.invalidate_all()
        self.assertFalse(order.transaction_ids)

    def test_cod_offered_at_checkout_only(self):
        """Cash on delivery is chosen at checkout: a confirmed order paying from
        the portal is not offered it, even with a collecting courier."""
        order = self._cart_with_address(self.courier)
        Provider = self.env["payment.provider"].sudo()

        def offered():
            return Provider._get_compatible_providers(
                self.company.id,
                order.partner_id.id,
                order.amount_total,
                currency_id=order.currency_id.id,
                sale_order_id=order.id,
            )

        self.assertIn(self.cod_provider, offered())
        order.action_confirm()
        self.assertNotIn(self.cod_provider, offered())

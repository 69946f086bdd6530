from odoo.tests import tagged

from .common import SmsGatewayCase
from .payment_common import PaymentQueueCommon


@tagged("post_install", "-at_install")
class TestNewOrderAlert(SmsGatewayCase, PaymentQueueCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.desk = cls.env["res.partner"].create(
            {
                "name": "Shop Desk",
                "email": "orders@shop.example.com",
                "mobile": "+40 722 123 456",
            }
        )
        cls.company.fulfilment_order_alert_partner_ids = cls.desk

    def _alerts(self, order):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("subject", "like", "New order"),
            ]
        )

    def test_backend_order_alerted_once(self):
        """Confirming an order e-mails the recipients its summary and a link;
        saving it, or confirming it again after a cancellation, sends nothing
        more."""
        order = self._create_order()
        order.action_confirm()
        alert = self._alerts(order)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.recipient_ids, self.desk)
        self.assertIn(order.name, alert.subject)
        self.assertIn(self.product.name, alert.body_html)
        self.assertIn(f"res_id={order.id}", alert.body_html)
        self.assertTrue(order.fulfilment_placed_date)

        order.note = "Gift wrap, please"
        order._action_cancel()
        order.action_draft()
        order.action_confirm()
        self.assertEqual(self._alerts(order), alert)

    def test_quotation_sent_is_not_an_order(self):
        """A quotation sent to the customer is not placed: no alert."""
        order = self._create_order()
        order.action_quotation_sent()
        self.assertFalse(self._alerts(order))
        self.assertFalse(order.fulfilment_placed_date)

    def test_web_transfer_alerted_at_checkout_only(self):
        """A web order left waiting for its bank transfer is placed at checkout
        (alert sent); its confirmation when the money comes alerts nobody."""
        order = self._web_transfer_quotation()
        self.assertEqual(len(self._alerts(order)), 1)
        self._mark_paid(order)
        self.assertEqual(order.state, "sale")
        self.assertEqual(len(self._alerts(order)), 1)

    def test_sms_alert_once(self):
        """With SMS on, the recipients also get one SMS per order."""
        self.company.fulfilment_order_alert_sms = True
        order = self._create_order()
        order.action_confirm()
        self._send_queued_sms()
        self.assertEqual(len(self.gateway.received), 1)
        sms = self.gateway.received[0]
        self.assertEqual(sms["to"], "+40722123456")
        self.assertIn(order.name, sms["text"])
        order._action_cancel()
        order.action_draft()
        order.action_confirm()
        self._send_queued_sms()
        self.assertEqual(len(self.gateway.received), 1)

    def test_no_recipient_no_alert(self):
        """Without recipients nothing is sent; the order is still dated placed."""
        self.company.fulfilment_order_alert_partner_ids = False
        order = self._create_order()
        order.action_confirm()
        self.assertFalse(self._alerts(order))
        self.assertTrue(order.fulfilment_placed_date)

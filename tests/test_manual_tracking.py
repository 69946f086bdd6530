from odoo.tests import Form, tagged

from .common import FulfilmentCommon, SmsGatewayCase


@tagged("post_install", "-at_install")
class TestManualTracking(SmsGatewayCase, FulfilmentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Local courier",
                "delivery_type": "fixed",
                "fixed_price": 10.0,
                "product_id": cls.env["product.product"]
                .create({"name": "Local delivery", "type": "service"})
                .id,
                "tracking_url": "https://track.example.com/?n=<shipmenttrackingnumber>",
            }
        )

    def _enter_tracking(self, order, reference, **values):
        action = order.action_fulfilment_manual_tracking()
        wizard_form = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        )
        wizard_form.tracking_ref = reference
        for name, value in values.items():
            setattr(wizard_form, name, value)
        wizard_form.save().action_confirm()

    def _customer_mails(self, order):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("recipient_ids", "in", self.customer.ids),
            ]
        )

    def _customer_sms(self):
        return [
            payload
            for payload in self.gateway.received
            if payload["to"].replace(" ", "") == "+40721000111"
        ]

    def test_manual_tracking_notifies_customer(self):
        """A number entered by hand is stored, e-mailed with its link, order shipped."""
        order = self._create_order(carrier_id=self.carrier.id)
        order.action_confirm()
        self._enter_tracking(order, "LC-778899")
        self._send_notifications()
        picking = order.picking_ids
        self.assertEqual(picking.carrier_tracking_ref, "LC-778899")
        self.assertEqual(order.fulfilment_status_id, self.status_shipping)
        mail = (
            self.env["mail.mail"]
            .search(
                [("model", "=", "sale.order"), ("res_id", "=", order.id)],
                order="id desc",
            )
            .filtered(lambda m: "LC-778899" in m.body_html)
        )
        self.assertTrue(mail)
        self.assertIn("https://track.example.com/?n=LC-778899", mail[0].body_html)
        self.assertIn(self.customer, mail[0].recipient_ids)

    def test_manual_tracking_one_email_one_sms(self):
        """Entering a tracking number sends the customer exactly one e-mail and
        one SMS: the "Shipping in progress" status messages, which carry the
        carrier, the number and its link; the wizard sends nothing of its own."""
        order = self._create_order(carrier_id=self.carrier.id)
        order.action_confirm()
        self._send_queued_sms()
        mails_before = self._customer_mails(order)
        self.gateway.received.clear()
        self._enter_tracking(order, "LC-101010")
        self._send_queued_sms()
        mails = self._customer_mails(order) - mails_before
        self.assertEqual(len(mails), 1)
        self.assertIn("LC-101010", mails.body_html)
        self.assertIn("https://track.example.com/?n=LC-101010", mails.body_html)
        self.assertIn("Local courier", mails.body_html)
        self.assertIn("On its way", mails.subject)
        sms = self._customer_sms()
        self.assertEqual(len(sms), 1)
        self.assertIn("LC-101010", sms[0]["text"])
        self.assertIn("https://track.example.com/?n=LC-101010", sms[0]["text"])

    def test_wizard_says_the_status_tells_the_customer(self):
        """The wizard says the status messages will carry the number and hides
        its own e-mail and SMS options."""
        order = self._create_order(carrier_id=self.carrier.id)
        order.action_confirm()
        action = order.action_fulfilment_manual_tracking()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        self.assertTrue(wizard.status_mail)
        self.assertTrue(wizard.status_sms)
        self.assertIn("Shipping in progress", wizard.status_notice)

    def test_second_parcel_gets_the_tracking_notice(self):
        """When the status does not change (the order is already on its way),
        the wizard's own e-mail tells the customer, and an SMS only if asked."""
        order = self._create_order(carrier_id=self.carrier.id)
        order.action_confirm()
        order._fulfilment_set_status(self.status_shipping)
        self._send_queued_sms()
        mails_before = self._customer_mails(order)
        self.gateway.received.clear()
        self._enter_tracking(order, "LC-445566")
        self._send_queued_sms()
        mails = self._customer_mails(order) - mails_before
        self.assertEqual(len(mails), 1)
        self.assertIn("LC-445566", mails.body_html)
        self.assertFalse(
            [p for p in self.gateway.received if "LC-" in p["text"]],
            "no tracking SMS unless asked",
        )

    def test_manual_tracking_sms(self):
        """With "Send an SMS too" on an order already on its way, the customer
        is texted the number and its link through the gateway."""
        order = self._create_order(carrier_id=self.carrier.id)
        order.action_confirm()
        order._fulfilment_set_status(self.status_shipping)
        self._send_queued_sms()
        self.gateway.received.clear()
        self._enter_tracking(order, "LC-445566", notify_customer=False, notify_sms=True)
        self._send_queued_sms()
        sent = [p for p in self.gateway.received if "LC-445566" in p["text"]]
        self.assertEqual(len(sent), 1)
        payload = sent[0]
        self.assertEqual(payload["to"].replace(" ", ""), "+40721000111")
        self.assertIn("LC-445566", payload["text"])
        self.assertIn("https://track.example.com/?n=LC-445566", payload["text"])

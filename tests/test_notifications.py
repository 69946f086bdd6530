from odoo.tests import tagged

from .common import FulfilmentCommon, SmsGatewayCase


@tagged("post_install", "-at_install")
class TestStatusNotifications(SmsGatewayCase, FulfilmentCommon):
    def test_status_email_queued_in_customer_language(self):
        """Entering a status with a template e-mails the customer in their language."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        self.status_shipping.with_context(lang="fr_FR").customer_label = "En route"
        order = self._create_order()
        order._fulfilment_set_status(self.status_shipping)
        mail = self.env["mail.mail"].search(
            [("model", "=", "sale.order"), ("res_id", "=", order.id)],
            order="id desc",
            limit=1,
        )
        self.assertTrue(mail)
        self.assertIn(self.customer, mail.recipient_ids)
        self.assertIn("En route", mail.subject)
        self.assertIn(order.name, mail.body_html)

    def test_status_sms_reaches_gateway(self):
        """The status SMS goes through the HTTP gateway with the configured body."""
        order = self._create_order()
        order._fulfilment_set_status(self.status_shipping)
        self._send_queued_sms()
        self.assertEqual(len(self.gateway.received), 1)
        payload = self.gateway.received[0]
        self.assertEqual(payload["from"], "MYSHOP")
        self.assertEqual(payload["to"].replace(" ", ""), "+40721000111")
        self.assertIn(order.name, payload["text"])
        self.assertIn("On its way", payload["text"])
        self.assertTrue(payload["reference"])

    def test_queued_sms_wake_the_sms_scheduler(self):
        """SMS queued for the customers are logged on their records and the
        SMS scheduler is woken up to send them at once."""
        orders = self._create_order() | self._create_order()
        sms_cron = self.env.ref("sms.ir_cron_sms_scheduler_action")
        Trigger = self.env["ir.cron.trigger"].sudo()
        triggers = Trigger.search_count([("cron_id", "=", sms_cron.id)])
        self.env["sms.sms"]._fulfilment_queue_to_customers(orders, body="Hello")
        self.assertEqual(
            Trigger.search_count([("cron_id", "=", sms_cron.id)]), triggers + 1
        )
        queued = (
            self.env["sms.sms"]
            .sudo()
            .search(
                [
                    ("mail_message_id.model", "=", "sale.order"),
                    ("mail_message_id.res_id", "in", orders.ids),
                ]
            )
        )
        self.assertEqual(len(queued), 2)
        self.assertEqual(set(queued.mapped("state")), {"outgoing"})
        self._send_queued_sms()
        self.assertEqual([p["text"] for p in self.gateway.received], ["Hello"] * 2)

    def test_gateway_down_logs_failure_and_keeps_status(self):
        """A failing gateway is logged on the order and does not undo the status."""
        self.gateway.mode = "down"
        order = self._create_order()
        order._fulfilment_set_status(self.status_shipping)
        self._send_queued_sms()
        self.assertEqual(order.fulfilment_status_id, self.status_shipping)
        self.assertFalse(self.gateway.received)
        self.assertIn("gateway overloaded", order.message_ids[0].body)
        sms = (
            self.env["sms.sms"]
            .sudo()
            .search([("mail_message_id.res_id", "=", order.id)])
        )
        self.assertEqual(sms.state, "error")

    def test_gateway_unreachable_logs_failure(self):
        """A gateway that refuses connections is logged and retried once only."""
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("order_fulfilment.sms_gateway_url", "http://127.0.0.1:9/sms")
        order = self._create_order()
        order._fulfilment_set_status(self.status_shipping)
        self._send_queued_sms()
        self.assertEqual(order.fulfilment_status_id, self.status_shipping)
        self.assertIn("could not be reached", order.message_ids[0].body)

    def test_status_without_templates_sends_nothing(self):
        """A status without templates notifies nobody, followers included."""
        order = self._create_order()
        order.action_confirm()  # the customer now follows the order
        self.assertIn(self.customer, order.message_partner_ids)
        mails_before = self.env["mail.mail"].search_count([])
        order._fulfilment_set_status(self.status_processing)
        self._send_queued_sms()
        self.assertFalse(self.gateway.received)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)

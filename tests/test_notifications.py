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
        self._send_notifications()
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

    def test_gateway_unreachable_hides_connection_details(self):
        """The chatter gets a generic message, never the exception's text with
        the gateway's address (which may carry its key)."""
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(
            "order_fulfilment.sms_gateway_url", "http://127.0.0.1:9/sms?key=s3cr3t"
        )
        order = self._create_order()
        order._fulfilment_set_status(self.status_shipping)
        self._send_queued_sms()
        body = str(order.message_ids[0].body)
        self.assertIn("could not be reached", body)
        self.assertNotIn("127.0.0.1", body)
        self.assertNotIn("s3cr3t", body)

    def test_gateway_error_body_string_or_list(self):
        """A gateway answering its error as a bare JSON string or a JSON list:
        the SMS is marked failed with the gateway's text, and the next SMS of
        the queue still goes out."""
        for mode, text in (
            ("down_string", "gateway in maintenance"),
            ("reject_list", "invalid"),
        ):
            self.gateway.mode = mode
            order = self._create_order()
            order._fulfilment_set_status(self.status_shipping)
            self._send_queued_sms()
            sms = (
                self.env["sms.sms"]
                .sudo()
                .search([("mail_message_id.res_id", "=", order.id)])
            )
            self.assertEqual(sms.state, "error", mode)
            self.assertIn(text, str(order.message_ids[0].body), mode)
        self.gateway.mode = "ok"
        order = self._create_order()
        order._fulfilment_set_status(self.status_shipping)
        self._send_queued_sms()
        self.assertEqual(len(self.gateway.received), 1)
        self.assertFalse(
            self.env["sms.sms"].sudo().search([("state", "=", "outgoing")])
        )

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


@tagged("post_install", "-at_install")
class TestNotificationQueue(FulfilmentCommon):
    """Status notifications are queued with the change and sent right after."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Template = cls.env["mail.template"]
        model_id = cls.env["ir.model"]._get_id("sale.order")
        cls.status_packed = cls.env["fulfilment.status"].create({"name": "Packed"})
        cls.status_packed.mail_template_id = Template.create(
            {
                "name": "Packed",
                "model_id": model_id,
                "subject": "We packed {{ object.name }}",
                "partner_to": "{{ object.partner_id.id }}",
                "body_html": "<p>Thank you</p>",
            }
        )
        cls.status_processing.mail_template_id = Template.create(
            {
                "name": "Processing",
                "model_id": model_id,
                "subject": "We are preparing {{ object.name }}",
                "partner_to": "{{ object.partner_id.id }}",
                "body_html": "<p>Soon</p>",
            }
        )

    def _status_mails(self, order):
        return self.env["mail.mail"].search(
            [("model", "=", "sale.order"), ("res_id", "=", order.id)]
        )

    def test_change_queues_and_scheduler_sends(self):
        """The change queues the notification and wakes the scheduler; the
        scheduler sends it, signed by the user who changed the status."""
        order = self._create_order()
        cron = self.env.ref("order_fulfilment.ir_cron_fulfilment_send_notifications")
        Trigger = self.env["ir.cron.trigger"].sudo()
        triggers = Trigger.search_count([("cron_id", "=", cron.id)])
        order.with_user(self.operator)._fulfilment_set_status(self.status_packed)
        queued = self.env["fulfilment.notification"].search(
            [("order_id", "=", order.id)]
        )
        self.assertEqual(queued.state, "queued")
        self.assertEqual(queued.author_id, self.operator.partner_id)
        self.assertFalse(self._status_mails(order), "nothing rendered in the change")
        self.assertEqual(
            Trigger.search_count([("cron_id", "=", cron.id)]), triggers + 1
        )
        self._send_notifications()
        self.assertEqual(queued.state, "sent")
        mail = self._status_mails(order)
        self.assertEqual(len(mail), 1)
        self.assertIn(f"We packed {order.name}", mail.subject)
        self.assertEqual(mail.author_id, self.operator.partner_id)

    def test_one_message_for_several_changes(self):
        """An order moved through several statuses before the scheduler ran
        gets the message of the status it is in, once."""
        order = self._create_order()
        order._fulfilment_set_status(self.status_packed)
        order._fulfilment_set_status(self.status_processing)
        self._send_notifications()
        mails = self._status_mails(order)
        self.assertEqual(len(mails), 1)
        self.assertIn("We are preparing", mails.subject)
        notifications = self.env["fulfilment.notification"].search(
            [("order_id", "=", order.id)], order="id"
        )
        self.assertEqual(notifications.mapped("state"), ["superseded", "sent"])

    def test_left_status_is_not_announced(self):
        """A status the order already left (for one without a message) is not
        announced any more."""
        silent = self.env["fulfilment.status"].create({"name": "Packed"})
        order = self._create_order()
        order._fulfilment_set_status(self.status_packed)
        order._fulfilment_set_status(silent)
        self._send_notifications()
        self.assertFalse(self._status_mails(order))
        self.assertEqual(
            self.env["fulfilment.notification"]
            .search([("order_id", "=", order.id)])
            .state,
            "superseded",
        )

    def test_scheduler_works_in_batches(self):
        """Each run sends one batch and reports what remains to the scheduler."""
        orders = self._create_order() | self._create_order() | self._create_order()
        orders._fulfilment_set_status(self.status_packed)
        cron = self.env.ref("order_fulfilment.ir_cron_fulfilment_send_notifications")
        cron_with_progress, progress = cron._add_progress()
        Notification = self.env["fulfilment.notification"].with_context(
            **cron_with_progress.env.context
        )
        Notification._cron_send(batch_size=2)
        self.assertEqual((progress.done, progress.remaining), (2, 1))
        self.assertEqual(
            Notification.search_count(
                [("order_id", "in", orders.ids), ("state", "=", "sent")]
            ),
            2,
        )

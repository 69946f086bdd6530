from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .shipping_common import ShippingCommon


@tagged("post_install", "-at_install")
class TestPickup(ShippingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse.opening_hours = cls.env["resource.calendar"].create(
            {"name": "Shop hours"}
        )  # Monday to Friday, 8–12 and 13–17 by default
        cls.in_store = cls.env["delivery.carrier"].create(
            {
                "name": "Pick up at the Brașov shop",
                "delivery_type": "in_store",
                "product_id": cls.delivery_product.id,
                "warehouse_ids": [fields.Command.set(cls.warehouse.ids)],
            }
        )
        cls.status_ready = cls.env.ref("order_fulfilment.status_ready_for_pickup")
        cls.status_delivered = cls.env.ref("order_fulfilment.status_delivered")

    def _ready_order(self):
        order = self._create_order(
            partner=self.customer_codlea, carrier_id=self.in_store.id
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.action_assign()
        self.assertEqual(picking.state, "assigned")
        return order, picking

    def test_ready_code_mail_sms_then_handover(self):
        """Ready for pickup: a 6-digit code, the order's status, an e-mail with
        the code, the shop's address and hours and a QR code, an SMS; a wrong
        code hands nothing over, the right one validates and delivers."""
        order, picking = self._ready_order()
        picking.action_fulfilment_ready_for_pickup()
        code = picking.fulfilment_pickup_code
        self.assertRegex(code, r"^\d{6}$")
        self.assertEqual(order.fulfilment_status_id, self.status_ready)
        mail = order.message_ids.filtered(
            lambda m: m.subject and "ready for pickup" in m.subject
        )
        self.assertEqual(len(mail), 1)
        self.assertIn(code, mail.body)
        self.assertIn("Str. Republicii 10", mail.body)
        self.assertIn("08:00–12:00", mail.body)
        self.assertIn(self.customer_codlea, mail.partner_ids)
        self.assertEqual(mail.attachment_ids.mimetype, "image/png")
        self.assertTrue(mail.attachment_ids.raw.startswith(b"\x89PNG"))
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer_codlea.id)])
        self.assertTrue(any(code in body for body in sms.mapped("body")))

        wrong = "000000" if code != "000000" else "111111"
        with self.assertRaises(UserError):
            picking.action_fulfilment_handover(code=wrong)
        self.assertNotEqual(picking.state, "done")
        self.assertEqual(order.fulfilment_status_id, self.status_ready)

        picking.action_fulfilment_handover(code=f" {code} ")
        self.assertEqual(picking.state, "done")
        self.assertEqual(order.fulfilment_status_id, self.status_delivered)
        self.assertTrue(order.fulfilment_delivered_date)

    def test_ready_requires_reserved_pickup(self):
        """Only an in-store delivery with every quantity reserved can be ready,
        once."""
        _order, picking = self._ready_order()
        picking.action_fulfilment_ready_for_pickup()
        with self.assertRaises(UserError):
            picking.action_fulfilment_ready_for_pickup()
        order = self._create_order(
            partner=self.customer_codlea, carrier_id=self.in_store.id, quantity=500
        )
        order.action_confirm()
        with self.assertRaises(UserError):
            order.picking_ids.action_fulfilment_ready_for_pickup()
        self.assertFalse(order.picking_ids.fulfilment_pickup_code)

    def test_codes_unique_among_open_pickups(self):
        """Two open pickups never share a code."""
        codes = set()
        for _index in range(5):
            _order, picking = self._ready_order()
            picking.action_fulfilment_ready_for_pickup()
            codes.add(picking.fulfilment_pickup_code)
        self.assertEqual(len(codes), 5)

    def test_reminder_then_activity(self):
        """Uncollected after N days: a reminder to the customer; N days later,
        an activity for the staff."""
        self.env["ir.config_parameter"].set_param(
            "order_fulfilment.pickup_reminder_days", "2"
        )
        order, picking = self._ready_order()
        picking.action_fulfilment_ready_for_pickup()
        Picking = self.env["stock.picking"]
        Picking._cron_fulfilment_pickup_reminders()
        self.assertFalse(picking.fulfilment_pickup_reminded_date, "not yet due")
        picking.fulfilment_pickup_ready_date = fields.Datetime.now() - timedelta(days=3)
        Picking._cron_fulfilment_pickup_reminders()
        self.assertTrue(picking.fulfilment_pickup_reminded_date)
        reminders = order.message_ids.filtered(
            lambda m: m.subject and "is waiting for you" in m.subject
        )
        self.assertEqual(len(reminders), 1)
        self.assertFalse(order.activity_ids)
        picking.fulfilment_pickup_reminded_date = fields.Datetime.now() - timedelta(
            days=3
        )
        Picking._cron_fulfilment_pickup_reminders()
        self.assertTrue(picking.fulfilment_pickup_escalated)
        self.assertEqual(order.activity_ids.summary, "Order not collected")
        Picking._cron_fulfilment_pickup_reminders()
        self.assertEqual(len(order.activity_ids), 1, "one activity only")

    def test_completion_of_pickup_needs_handover_not_awb(self):
        """A pickup order is completed without any AWB, once handed over."""
        order, picking = self._ready_order()
        picking.action_fulfilment_ready_for_pickup()
        self._pay(order)
        problems = order._fulfilment_completion_problems()
        self.assertTrue(any("hand it over" in problem for problem in problems))
        picking.action_fulfilment_handover(code=picking.fulfilment_pickup_code)
        self.assertEqual(order._fulfilment_completion_problems(), [])
        order.action_fulfilment_complete()
        self.assertTrue(order.fulfilment_completed_date)
        self.assertFalse(picking.carrier_tracking_ref)
        self.assertFalse(order.fulfilment_address_problems)

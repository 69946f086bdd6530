from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import tagged

from .common import FulfilmentCommon


@tagged("post_install", "-at_install")
class TestDeadlines(FulfilmentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.env.ref("payment.payment_method_bank_transfer")
        cls.card = cls._create_payment_method(
            "Card (deadline test)", "fulfilment_dl_card"
        )
        cls.bank_policy = cls._create_payment_policy(
            cls.bank, payment_delay=3, payment_delay_unit="business_days"
        )
        cls.card_policy = cls._create_payment_policy(
            cls.card, payment_delay=2, payment_delay_unit="hours"
        )
        cls.payment_overdue_type = cls.env.ref(
            "order_fulfilment.mail_activity_type_payment_overdue"
        )
        cls.delivery_overdue_type = cls.env.ref(
            "order_fulfilment.mail_activity_type_delivery_overdue"
        )
        cls.status_payment_overdue = cls.env["fulfilment.status"].create(
            {"name": "Payment late", "sequence": 25, "auto_event": "payment_overdue"}
        )

    def _confirmed_order(self, method, confirmed_on, **values):
        order = self._create_order(
            user_id=self.operator.id, fulfilment_payment_method_id=method.id, **values
        )
        order.action_confirm()
        order.date_order = confirmed_on
        return order

    def _overdue_activities(self, order, activity_type):
        return order.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type and a.active
        )

    def test_payment_deadline_business_days(self):
        """Bank transfer: 3 business days after a Friday confirmation is Wednesday."""
        friday = datetime(2026, 11, 20, 10, 0)
        order = self._confirmed_order(self.bank, friday)
        self.assertEqual(order.payment_deadline, datetime(2026, 11, 25, 10, 0))

    def test_payment_deadline_hours(self):
        """Card: the deadline is counted in hours."""
        friday = datetime(2026, 11, 20, 23, 0)
        order = self._confirmed_order(self.card, friday)
        self.assertEqual(order.payment_deadline, datetime(2026, 11, 21, 1, 0))

    def test_delivery_deadline(self):
        """Commitment date first, else the carrier's delay in business days."""
        carrier = self.env["delivery.carrier"].create(
            {
                "name": "Slow Courier",
                "fulfilment_delivery_days": 2,
                "product_id": self.env["product.product"]
                .create({"name": "Shipping", "type": "service"})
                .id,
            }
        )
        friday = datetime(2026, 11, 20, 9, 0)
        order = self._confirmed_order(self.card, friday, carrier_id=carrier.id)
        self.assertEqual(order.delivery_deadline, datetime(2026, 11, 24, 9, 0))
        order.commitment_date = datetime(2026, 11, 30, 12, 0)
        self.assertEqual(order.delivery_deadline, datetime(2026, 11, 30, 12, 0))

    def test_cron_flags_payment_overdue_once(self):
        """The job flags, gives one activity, fires the event; twice is once."""
        order = self._confirmed_order(
            self.bank, fields.Datetime.now() - timedelta(days=10)
        )
        on_time = self._confirmed_order(self.bank, fields.Datetime.now())
        self.env["sale.order"]._cron_fulfilment_flag_overdue()
        self.assertTrue(order.is_payment_overdue)
        self.assertFalse(on_time.is_payment_overdue)
        activities = self._overdue_activities(order, self.payment_overdue_type)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.operator)
        self.assertEqual(order.fulfilment_status_id, self.status_payment_overdue)
        self.env["sale.order"]._cron_fulfilment_flag_overdue()
        self.assertEqual(
            len(self._overdue_activities(order, self.payment_overdue_type)), 1
        )
        self.assertTrue(
            self.env["sale.order"].search(
                [("is_payment_overdue", "=", True), ("id", "=", order.id)]
            ),
            "the Payment overdue filter finds it",
        )

    def test_cron_run_flags_one_batch_and_reports_the_rest(self):
        """A scheduler run flags one batch of overdue orders only and reports
        to the scheduler how many it flagged and how many remain."""
        ten_days_ago = fields.Datetime.now() - timedelta(days=10)
        orders = self.env["sale.order"]
        for _index in range(3):
            orders |= self._confirmed_order(self.bank, ten_days_ago)
        cron = self.env.ref("order_fulfilment.ir_cron_fulfilment_flag_overdue")
        cron, progress = cron._add_progress()
        cron.env["sale.order"]._cron_fulfilment_flag_overdue(batch_size=2)
        self.assertEqual(len(orders.filtered("is_payment_overdue")), 2)
        self.assertEqual((progress.done, progress.remaining), (2, 1))

    def test_payment_clears_flag(self):
        """Paying an overdue order unflags it and closes the activity."""
        order = self._confirmed_order(
            self.bank, fields.Datetime.now() - timedelta(days=10)
        )
        self.env["sale.order"]._cron_fulfilment_flag_overdue()
        self.assertTrue(order.is_payment_overdue)
        self._pay(order)
        self.assertFalse(order.is_payment_overdue)
        self.assertTrue(order.fulfilment_paid_date)
        self.assertFalse(self._overdue_activities(order, self.payment_overdue_type))
        self.env["sale.order"]._cron_fulfilment_flag_overdue()
        self.assertFalse(order.is_payment_overdue, "a paid order is never flagged")

    def test_delivery_overdue_cleared_on_delivery(self):
        """A late delivery is flagged; shipping it keeps the flag (the customer
        does not have it yet), the "delivered" event clears it."""
        order = self._confirmed_order(
            self.card,
            fields.Datetime.now() - timedelta(days=10),
            commitment_date=fields.Datetime.now() - timedelta(days=1),
        )
        self.env["sale.order"]._cron_fulfilment_flag_overdue()
        self.assertTrue(order.is_delivery_overdue)
        self.assertEqual(
            len(self._overdue_activities(order, self.delivery_overdue_type)), 1
        )
        self.assertIs(self._deliver(order), True)
        self.env["sale.order"]._cron_fulfilment_flag_overdue()
        self.assertTrue(order.is_delivery_overdue, "shipped is not delivered")
        order._fulfilment_trigger_event("delivered")
        self.assertTrue(order.fulfilment_delivered_date)
        self.assertFalse(order.is_delivery_overdue)
        self.assertFalse(self._overdue_activities(order, self.delivery_overdue_type))
        self.env["sale.order"]._cron_fulfilment_flag_overdue()
        self.assertFalse(order.is_delivery_overdue, "a delivered order stays unflagged")

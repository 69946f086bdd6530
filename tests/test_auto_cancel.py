from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import FulfilmentCommon


@tagged("post_install", "-at_install")
class TestAutoCancel(FulfilmentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.env.ref("payment.payment_method_bank_transfer")
        cls._create_payment_policy(
            cls.bank,
            payment_delay=3,
            payment_delay_unit="business_days",
            is_offline=True,
        )
        cls.company.write(
            {"fulfilment_auto_cancel": True, "fulfilment_auto_cancel_days": 7}
        )

    def _reserved(self):
        quants = self.env["stock.quant"]._gather(
            self.product, self.warehouse.lot_stock_id
        )
        return sum(quants.mapped("reserved_quantity"))

    def _unpaid_order(self, age_days, quantity=3):
        order = self._create_order(
            quantity=quantity, fulfilment_payment_method_id=self.bank.id
        )
        order.action_confirm()
        order.date_order = fields.Datetime.now() - timedelta(days=age_days)
        return order

    def test_cron_cancels_releases_stock_and_emails(self):
        """An old unpaid order is cancelled, its stock released, the customer told."""
        reserved_before = self._reserved()
        order = self._unpaid_order(age_days=10)
        self.assertEqual(self._reserved(), reserved_before + 3, "reserved on quants")
        self.env["sale.order"]._cron_fulfilment_auto_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(self._reserved(), reserved_before, "reservation released")
        self.assertTrue(all(p.state == "cancel" for p in order.picking_ids))
        mail = order.message_ids.filtered(
            lambda m: (
                self.customer in m.partner_ids
                and "has been cancelled" in (m.subject or "")
            )
        )
        self.assertEqual(len(mail), 1)

    def test_cron_run_cancels_one_batch_and_reports_the_rest(self):
        """A scheduler run cancels one batch of unpaid orders only and reports
        to the scheduler how many it handled and how many remain."""
        orders = self.env["sale.order"]
        for _index in range(3):
            orders |= self._unpaid_order(age_days=10, quantity=1)
        cron = self.env.ref("order_fulfilment.ir_cron_fulfilment_auto_cancel")
        cron, progress = cron._add_progress()
        cron.env["sale.order"]._cron_fulfilment_auto_cancel(batch_size=2)
        self.assertEqual(orders.mapped("state").count("cancel"), 2)
        self.assertEqual((progress.done, progress.remaining), (2, 1))

    def test_recent_and_paid_orders_kept(self):
        """Orders within the delay and paid orders are left alone."""
        recent = self._unpaid_order(age_days=2)
        paid = self._unpaid_order(age_days=10)
        self._pay(paid)
        self.env["sale.order"]._cron_fulfilment_auto_cancel()
        self.assertEqual(recent.state, "sale")
        self.assertEqual(paid.state, "sale")

    def test_off_by_default(self):
        """A company that did not switch it on never has orders cancelled."""
        self.company.fulfilment_auto_cancel = False
        order = self._unpaid_order(age_days=30)
        self.env["sale.order"]._cron_fulfilment_auto_cancel()
        self.assertEqual(order.state, "sale")
        new_company = self.env["res.company"].create({"name": "Fresh Company"})
        self.assertFalse(new_company.fulfilment_auto_cancel)

    def test_manual_list_action(self):
        """The list action cancels the selected unpaid orders at once."""
        order = self._unpaid_order(age_days=1)
        reserved = self._reserved()
        order.action_fulfilment_cancel_unpaid()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(self._reserved(), reserved - 3)

    def test_manual_action_refuses_paid_order(self):
        """A paid order is refused by name and nothing is cancelled."""
        unpaid = self._unpaid_order(age_days=1)
        paid = self._unpaid_order(age_days=1)
        self._pay(paid)
        with self.assertRaisesRegex(UserError, paid.name):
            (unpaid | paid).action_fulfilment_cancel_unpaid()
        self.assertEqual(unpaid.state, "sale")

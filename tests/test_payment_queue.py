from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .payment_common import PaymentQueueCommon


@tagged("post_install", "-at_install")
class TestPaymentQueue(PaymentQueueCommon):
    def test_queue_lists_orders_awaiting_money(self):
        """The queue holds unpaid confirmed orders and web quotations whose bank
        transfer is pending; not plain quotations, paid or cancelled orders."""
        unpaid = self._create_order()
        unpaid.action_confirm()
        transfer = self._web_transfer_quotation()
        quotation = self._create_order()
        paid = self._create_order()
        paid.action_confirm()
        self._pay(paid)
        cancelled = self._create_order()
        cancelled.action_confirm()
        cancelled._action_cancel()
        action = self.env.ref("order_fulfilment.action_fulfilment_payment_queue")
        queued = self.env["sale.order"].search(
            safe_eval(action.domain)
            + [("id", "in", (unpaid | transfer | quotation | paid | cancelled).ids)]
        )
        self.assertEqual(queued, unpaid | transfer)
        self.assertEqual(transfer.state, "sent", "Odoo keeps it a quotation")
        self.assertTrue(transfer.fulfilment_offline_payment_pending)
        self.assertEqual(transfer.fulfilment_payment_method_id, self.wire_transfer)

    def test_web_transfer_quotation_awaits_payment(self):
        """A web quotation with a pending bank transfer enters "Awaiting
        payment" (the "confirmed" event) and gets a payment deadline."""
        order = self._web_transfer_quotation()
        self.assertEqual(order.fulfilment_status_id, self.status_awaiting_payment)
        history = order.fulfilment_status_history_ids.filtered(
            lambda entry: entry.status_to_id == self.status_awaiting_payment
        )
        self.assertEqual(history.event, "confirmed")
        self.assertTrue(order.payment_deadline)
        self.assertGreater(order.payment_deadline, order.date_order)
        self.assertTrue(order.fulfilment_placed_date)

    def test_web_transfer_quotation_flagged_overdue_and_cancelled(self):
        """Unpaid past its deadline, the web quotation is flagged overdue, its
        follow-up goes to the company's responsible (no salesperson), and
        auto-cancel cancels it and tells the customer."""
        self.company.write(
            {
                "fulfilment_overdue_user_id": self.operator.id,
                "fulfilment_auto_cancel": True,
                "fulfilment_auto_cancel_days": 7,
            }
        )
        order = self._web_transfer_quotation(user_id=False)
        order.date_order = fields.Datetime.now() - timedelta(days=10)
        self.assertLess(order.payment_deadline, fields.Datetime.now())
        self.env["sale.order"]._cron_fulfilment_flag_overdue()
        self.assertTrue(order.is_payment_overdue)
        self.assertGreater(order.fulfilment_days_overdue, 0)
        activity = order.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("order_fulfilment.mail_activity_type_payment_overdue")
            )
        )
        self.assertEqual(activity.user_id, self.operator)
        self.env["sale.order"]._cron_fulfilment_auto_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertFalse(order.fulfilment_payment_queued)
        self.assertTrue(
            order.message_ids.filtered(
                lambda m: (
                    self.customer in m.partner_ids
                    and "has been cancelled" in (m.subject or "")
                )
            )
        )

    def test_mark_paid_bulk_invoices_and_reconciles(self):
        """Mark as Paid on three orders: the two unpaid ones get a posted invoice
        and a posted payment in the chosen journal reconciled with it, and enter
        "Paid"; the cancelled one is refused with its reason, untouched."""
        first = self._create_order(price=120.0)
        second = self._create_order(quantity=2, price=80.0)
        (first | second).action_confirm()
        cancelled = self._create_order()
        cancelled.action_confirm()
        cancelled._action_cancel()
        result = self._mark_paid(first | second | cancelled, reference="OP 4411")

        self.assertEqual((result.success_count, result.refused_count), (2, 1))
        refusal = result.line_ids.filtered(lambda line: not line.success)
        self.assertEqual(refusal.order_id, cancelled)
        self.assertIn("cancelled", refusal.message)
        self.assertFalse(cancelled.invoice_ids)
        for order in first | second:
            invoice = order.invoice_ids
            self.assertEqual(len(invoice), 1)
            self.assertEqual(invoice.state, "posted")
            self.assertEqual(invoice.amount_total, order.amount_total)
            self.assertIn(invoice.payment_state, ("paid", "in_payment"))
            payment = invoice.matched_payment_ids
            self.assertEqual(len(payment), 1)
            self.assertIn(payment.state, ("in_process", "paid"))
            self.assertEqual(payment.journal_id, self.bank_journal)
            self.assertEqual(payment.amount, order.amount_total)
            self.assertEqual(payment.memo, "OP 4411")
            receivable = (invoice.line_ids | payment.move_id.line_ids).filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            self.assertTrue(all(receivable.mapped("reconciled")))
            self.assertEqual(order.fulfilment_status_id, self.status_paid)
            self.assertTrue(order.fulfilment_paid_date)
            self.assertFalse(order.fulfilment_payment_queued)

    def test_mark_paid_web_transfer_quotation(self):
        """Mark as Paid on a web quotation waiting for its transfer confirms it,
        then invoices and pays it."""
        order = self._web_transfer_quotation()
        result = self._mark_paid(order)
        self.assertEqual(result.success_count, 1)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.invoice_ids.state, "posted")
        self.assertIn(order.invoice_ids.payment_state, ("paid", "in_payment"))
        self.assertEqual(order.fulfilment_status_id, self.status_paid)

    def test_mark_paid_invoices_delivery_policy_as_down_payment(self):
        """Products invoiced on delivery cannot be invoiced before it: the money
        is invoiced as a down payment, posted and paid; the order is paid."""
        self.product.invoice_policy = "delivery"
        order = self._create_order(quantity=2)
        order.action_confirm()
        result = self._mark_paid(order)
        self.assertEqual(result.success_count, 1, result.line_ids.message)
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, order.amount_total)
        self.assertTrue(invoice.invoice_line_ids.sale_line_ids.is_downpayment)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertTrue(order._fulfilment_is_paid())
        self.assertEqual(order.fulfilment_status_id, self.status_paid)

    def test_mark_paid_reference_from_statement_line(self):
        """Picking a bank statement line takes its reference and date."""
        line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "date": "2026-11-23",
                "payment_ref": "TRANSFER ANA CLIENT S0042",
                "amount": 100.0,
            }
        )
        order = self._create_order()
        order.action_confirm()
        self._mark_paid(order, statement_line_id=line)
        payment = order.invoice_ids.matched_payment_ids
        self.assertEqual(payment.memo, "TRANSFER ANA CLIENT S0042")
        self.assertEqual(payment.date, fields.Date.to_date("2026-11-23"))

    def test_mark_paid_refused_without_invoicing_rights(self):
        """Registering payments takes Odoo's invoicing right: an operator without
        it is refused, and nothing is invoiced."""
        order = self._create_order()
        order.action_confirm()
        with self.assertRaisesRegex(AccessError, "Invoicing"):
            order.with_user(self.operator).action_fulfilment_mark_paid()
        with self.assertRaises(AccessError):
            self.env["fulfilment.mark.paid"].with_user(self.operator).create(
                {
                    "order_ids": [Command.set(order.ids)],
                    "journal_id": self.bank_journal.id,
                }
            )
        self.assertFalse(order.invoice_ids)
        self.assertTrue(order.fulfilment_payment_queued)

    def test_manual_paid_status_refused_on_unpaid_order(self):
        """Staff cannot move an unpaid order to "Paid" by hand (status bar or the
        engine): the error points to Mark as Paid and nothing changes."""
        order = self._create_order()
        order.action_confirm()
        with self.assertRaisesRegex(UserError, "Mark as Paid"):
            order.with_user(self.operator).write(
                {"fulfilment_status_id": self.status_paid.id}
            )
        with self.assertRaisesRegex(UserError, "Mark as Paid"):
            order.with_user(self.operator)._fulfilment_set_status(self.status_paid)
        self.assertEqual(order.fulfilment_status_id, self.status_awaiting_payment)
        self.assertFalse(order.fulfilment_paid_date)

    def test_manual_paid_status_allowed_on_paid_order(self):
        """An order really paid, moved elsewhere by hand, may go back to "Paid"."""
        order = self._create_order()
        order.action_confirm()
        self._pay(order)
        order.with_user(self.operator)._fulfilment_set_status(self.status_processing)
        order.with_user(self.operator)._fulfilment_set_status(self.status_paid)
        self.assertEqual(order.fulfilment_status_id, self.status_paid)

    def test_auto_cancel_never_cancels_paid_order(self):
        """An order marked paid is never cancelled as unpaid, however old."""
        self.company.write(
            {"fulfilment_auto_cancel": True, "fulfilment_auto_cancel_days": 7}
        )
        orders = self._create_order() | self._create_order()
        for order in orders:
            order.fulfilment_payment_method_id = self.wire_transfer
        orders.action_confirm()
        orders.date_order = fields.Datetime.now() - timedelta(days=30)
        paid, unpaid = orders
        self._mark_paid(paid)
        self.env["sale.order"]._cron_fulfilment_auto_cancel()
        self.assertEqual(paid.state, "sale")
        self.assertEqual(unpaid.state, "cancel", "the job did run")


@tagged("post_install", "-at_install")
class TestOverdueAlerts(PaymentQueueCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_leader = new_test_user(
            cls.env,
            login="fulfilment_lead",
            name="Tudor Teamlead",
            email="tudor@example.com",
            groups="base.group_user,order_fulfilment.group_user",
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Fulfilment desk",
                "user_id": cls.team_leader.id,
                "member_ids": [Command.set((cls.team_leader | cls.operator).ids)],
            }
        )
        cls.activity_type = cls.env.ref(
            "order_fulfilment.mail_activity_type_payment_overdue"
        )

    def _overdue_order(self, **values):
        order = self._create_order(
            fulfilment_payment_method_id=self.wire_transfer.id, **values
        )
        order.action_confirm()
        order.date_order = fields.Datetime.now() - timedelta(days=10)
        return order

    def _digests(self):
        return self.env["mail.mail"].search(
            [("subject", "like", "became overdue")], order="id"
        )

    def test_activity_for_team_leader_without_salesperson(self):
        """Without salesperson nor responsible, the team's leader gets the
        activity; an order with a salesperson keeps it for the salesperson."""
        self.company.fulfilment_overdue_team_id = self.team
        orphan = self._overdue_order(user_id=False)
        owned = self._overdue_order(user_id=self.accountant.id)
        self.env["sale.order"]._cron_fulfilment_flag_overdue()
        for order, user in ((orphan, self.team_leader), (owned, self.accountant)):
            activity = order.activity_ids.filtered(
                lambda a: a.activity_type_id == self.activity_type
            )
            self.assertEqual(activity.user_id, user)

    def test_daily_digest_reports_each_order_once(self):
        """The digest lists the newly overdue orders to the responsible and the
        team; the next run sends nothing until another order is overdue, and
        then lists only that one."""
        self.company.write(
            {
                "fulfilment_overdue_user_id": self.accountant.id,
                "fulfilment_overdue_team_id": self.team.id,
            }
        )
        first = self._overdue_order()
        second = self._overdue_order()
        Orders = self.env["sale.order"]
        Orders._cron_fulfilment_flag_overdue()
        before = self._digests()
        Orders._cron_fulfilment_overdue_digest()
        digest = self._digests() - before
        self.assertEqual(len(digest), 1)
        self.assertEqual(
            digest.recipient_ids,
            (self.accountant | self.team_leader | self.operator).partner_id,
        )
        self.assertIn(first.name, digest.body_html)
        self.assertIn(second.name, digest.body_html)

        Orders._cron_fulfilment_overdue_digest()
        self.assertEqual(self._digests() - before, digest, "nothing new, no e-mail")

        third = self._overdue_order()
        Orders._cron_fulfilment_flag_overdue()
        Orders._cron_fulfilment_overdue_digest()
        next_digest = self._digests() - before - digest
        self.assertEqual(len(next_digest), 1)
        self.assertIn(third.name, next_digest.body_html)
        self.assertNotIn(first.name, next_digest.body_html)

    def test_digest_batches_and_reports_progress(self):
        """A run reports at most one batch and tells the scheduler what remains."""
        self.company.fulfilment_overdue_user_id = self.accountant
        for _index in range(3):
            self._overdue_order()
        self.env["sale.order"]._cron_fulfilment_flag_overdue()
        cron = self.env.ref("order_fulfilment.ir_cron_fulfilment_overdue_digest")
        cron, progress = cron._add_progress()
        cron.env["sale.order"]._cron_fulfilment_overdue_digest(batch_size=2)
        self.assertEqual((progress.done, progress.remaining), (2, 1))

    def test_no_digest_without_recipient(self):
        """A company with nobody to tell sends no digest and leaves the
        scheduler nothing to repeat."""
        self._overdue_order()
        self.env["sale.order"]._cron_fulfilment_flag_overdue()
        before = self._digests()
        cron = self.env.ref("order_fulfilment.ir_cron_fulfilment_overdue_digest")
        cron, progress = cron._add_progress()
        cron.env["sale.order"]._cron_fulfilment_overdue_digest()
        self.assertEqual(self._digests(), before)
        self.assertEqual(progress.remaining, 0)


@tagged("post_install", "-at_install")
class TestPaymentDeadlineCalendar(PaymentQueueCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.company.resource_calendar_id
        cls.calendar.tz = "Europe/Bucharest"

    def _order_confirmed_on(self, confirmed_on):
        order = self._create_order(fulfilment_payment_method_id=self.wire_transfer.id)
        order.action_confirm()
        order.date_order = confirmed_on
        return order

    def test_deadline_skips_public_holidays(self):
        """3 working days after Friday 27 November 2026 skip St Andrew (30 Nov)
        and the National Day (1 Dec), public holidays of the company's working
        calendar: Friday 4 December, at the same time of day."""
        friday = datetime(2026, 11, 27, 8, 0)  # 10:00 in Bucharest
        self.assertEqual(
            self._order_confirmed_on(friday).payment_deadline,
            datetime(2026, 12, 2, 8, 0),
            "without holidays: Wednesday",
        )
        # Public holidays: leaves of the calendar without a resource, whole
        # days in Bucharest (UTC+2 in winter).
        self.env["resource.calendar.leaves"].create(
            [
                {
                    "name": "Sfântul Andrei",
                    "calendar_id": self.calendar.id,
                    "date_from": datetime(2026, 11, 29, 22, 0),
                    "date_to": datetime(2026, 11, 30, 21, 59),
                },
                {
                    "name": "Ziua Națională",
                    "calendar_id": self.calendar.id,
                    "date_from": datetime(2026, 11, 30, 22, 0),
                    "date_to": datetime(2026, 12, 1, 21, 59),
                },
            ]
        )
        self.assertEqual(
            self._order_confirmed_on(friday).payment_deadline,
            datetime(2026, 12, 4, 8, 0),
        )

    def test_weekend_confirmation_counts_from_monday(self):
        """A Saturday order's 3 working days are Monday to Wednesday."""
        saturday = datetime(2026, 11, 21, 12, 0)
        self.assertEqual(
            self._order_confirmed_on(saturday).payment_deadline,
            datetime(2026, 11, 25, 12, 0),
        )

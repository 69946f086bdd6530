from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import FulfilmentCommon


@tagged("post_install", "-at_install")
class TestStatusEngine(FulfilmentCommon):
    def test_new_order_enters_created_status(self):
        """A new quotation enters the status of the 'created' event, recorded once."""
        order = self._create_order()
        self.assertEqual(order.fulfilment_status_id, self.status_new)
        self.assertEqual(len(order.fulfilment_status_history_ids), 1)
        entry = order.fulfilment_status_history_ids
        self.assertFalse(entry.status_from_id)
        self.assertTrue(entry.is_automatic)
        self.assertEqual(entry.event, "created")

    def test_confirmation_moves_status(self):
        """Confirming an order fires 'confirmed' and records who did it."""
        order = self._create_order(user=self.operator)
        order.with_user(self.operator).action_confirm()
        self.assertEqual(order.fulfilment_status_id, self.status_awaiting_payment)
        entry = order.fulfilment_status_history_ids.filtered(
            lambda h: h.status_to_id == self.status_awaiting_payment
        )
        self.assertEqual(entry.status_from_id, self.status_new)
        self.assertEqual(entry.user_id, self.operator)
        self.assertEqual(entry.event, "confirmed")
        self.assertTrue(entry.is_automatic)

    def test_full_payment_moves_status_to_paid(self):
        """Paying the whole invoice fires 'paid'."""
        order = self._create_order()
        order.action_confirm()
        self._pay(order)
        self.assertEqual(order.fulfilment_status_id, self.status_paid)
        self.assertIn("paid", order.fulfilment_status_history_ids.mapped("event"))

    def test_partial_payment_keeps_status(self):
        """A partial payment is not 'paid'."""
        order = self._create_order(price=200.0)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": 50.0})._create_payments()
        self.assertEqual(order.fulfilment_status_id, self.status_awaiting_payment)

    def test_online_payment_transaction_moves_status_to_paid(self):
        """A done payment transaction covering the order fires 'paid'."""
        order = self._create_order()
        order.action_confirm()
        provider = self.env.ref("payment.payment_provider_transfer")
        # Give the wire-transfer provider an accounting method so that the done
        # transaction can create its payment, as a card provider would.
        self.env["account.payment.method"].sudo().create(
            {
                "name": "Wire Transfer",
                "code": provider._get_code(),
                "payment_type": "inbound",
            }
        )
        provider.write(
            {
                "state": "enabled",
                "journal_id": self.env["account.journal"]
                .search(
                    [("type", "=", "bank"), ("company_id", "=", self.company.id)],
                    limit=1,
                )
                .id,
            }
        )
        method = self.env.ref("payment_custom.payment_method_wire_transfer")
        transaction = self.env["payment.transaction"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": method.id,
                "amount": order.amount_total,
                "currency_id": order.currency_id.id,
                "partner_id": order.partner_id.id,
                "reference": f"{order.name}-test",
                "sale_order_ids": [Command.set(order.ids)],
            }
        )
        transaction._set_done()
        transaction._post_process()
        self.assertEqual(order.fulfilment_status_id, self.status_paid)

    def test_cancellation_moves_status(self):
        """Cancelling an order fires 'cancelled'."""
        order = self._create_order()
        order.action_confirm()
        order._action_cancel()
        self.assertEqual(order.fulfilment_status_id, self.status_cancelled)

    def test_manual_change_records_user_and_reason(self):
        """A status set by hand goes through the engine and records who and why."""
        order = self._create_order()
        order.with_user(self.operator).with_context(
            fulfilment_status_reason="Customer called"
        ).write({"fulfilment_status_id": self.status_processing.id})
        entry = order.fulfilment_status_history_ids.filtered(
            lambda h: h.status_to_id == self.status_processing
        )
        self.assertEqual(entry.user_id, self.operator)
        self.assertEqual(entry.reason, "Customer called")
        self.assertFalse(entry.is_automatic)
        self.assertEqual(entry.status_from_id, self.status_new)

    def test_refused_transition_names_both_statuses(self):
        """A transition the status does not allow is refused and changes nothing."""
        order = self._create_order()
        order._fulfilment_set_status(self.status_completed)
        history_count = len(order.fulfilment_status_history_ids)
        with self.assertRaises(UserError) as caught:
            order.write({"fulfilment_status_id": self.status_processing.id})
        message = caught.exception.args[0]
        self.assertIn(self.status_completed.name, message)
        self.assertIn(self.status_processing.name, message)
        self.assertEqual(order.fulfilment_status_id, self.status_completed)
        self.assertEqual(len(order.fulfilment_status_history_ids), history_count)

    def test_allowed_transition_from_restricted_status(self):
        """A restricted status still allows its listed next statuses."""
        order = self._create_order()
        order._fulfilment_set_status(self.status_completed)
        order.write({"fulfilment_status_id": self.status_returned.id})
        self.assertEqual(order.fulfilment_status_id, self.status_returned)

    def test_event_blocked_by_transition_rule_logs_note(self):
        """An event the current status forbids keeps the status and says why."""
        order = self._create_order()
        order._fulfilment_set_status(self.status_completed)
        order._fulfilment_trigger_event("cancelled")
        self.assertEqual(order.fulfilment_status_id, self.status_completed)
        self.assertIn("did not change the status", order.message_ids[0].body)

    def test_status_of_other_company_refused(self):
        """A status restricted to another company cannot be set."""
        other_company = self.env["res.company"].create({"name": "Other Shop"})
        foreign = self.env["fulfilment.status"].create(
            {"name": "Foreign", "company_id": other_company.id}
        )
        order = self._create_order()
        with self.assertRaises(UserError):
            order._fulfilment_set_status(foreign)

    def test_used_status_cannot_be_deleted(self):
        """Deleting a status used by orders is refused; archiving works."""
        status = self.env["fulfilment.status"].create({"name": "Packed"})
        order = self._create_order()
        order._fulfilment_set_status(status)
        with self.assertRaises(UserError):
            status.unlink()
        status.action_archive()
        self.assertFalse(status.active)
        unused = self.env["fulfilment.status"].create({"name": "Never used"})
        unused.unlink()
        self.assertFalse(unused.exists())

    def test_kanban_shows_every_status(self):
        """Grouping by status returns empty statuses too (kanban columns)."""
        empty = self.env["fulfilment.status"].create({"name": "Empty column"})
        self._create_order()
        groups = self.env["sale.order"].web_read_group(
            [], ["fulfilment_status_id"], ["fulfilment_status_id"]
        )["groups"]
        status_ids = {
            group["fulfilment_status_id"][0]
            for group in groups
            if group["fulfilment_status_id"]
        }
        self.assertIn(empty.id, status_ids)
        self.assertIn(self.status_new.id, status_ids)

    def test_next_statuses_follow_rules(self):
        """The status bar offers only the statuses allowed next."""
        order = self._create_order()
        order._fulfilment_set_status(self.status_completed)
        self.assertEqual(
            order.fulfilment_next_status_ids,
            self.status_completed | self.status_returned,
        )

    def test_install_hook_gives_existing_orders_a_status(self):
        """Orders that existed before installation get a status and a history row."""
        from odoo.addons.order_fulfilment.hooks import post_init_hook

        draft = self._create_order()
        confirmed = self._create_order()
        confirmed.action_confirm()
        orders = draft | confirmed
        self.env.cr.execute(
            "DELETE FROM fulfilment_status_history WHERE order_id IN %s",
            [tuple(orders.ids)],
        )
        self.env.cr.execute(
            "UPDATE sale_order SET fulfilment_status_id = NULL WHERE id IN %s",
            [tuple(orders.ids)],
        )
        orders.invalidate_recordset()
        post_init_hook(self.env)
        self.assertEqual(draft.fulfilment_status_id, self.status_new)
        self.assertEqual(confirmed.fulfilment_status_id, self.status_awaiting_payment)
        self.assertEqual(len(draft.fulfilment_status_history_ids), 1)

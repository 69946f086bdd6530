from unittest.mock import patch

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
        order.with_user(self.operator)._fulfilment_set_status(
            self.status_processing, reason="Customer called"
        )
        entry = order.fulfilment_status_history_ids.filtered(
            lambda h: h.status_to_id == self.status_processing
        )
        self.assertEqual(entry.user_id, self.operator)
        self.assertEqual(entry.reason, "Customer called")
        self.assertFalse(entry.is_automatic)
        self.assertEqual(entry.status_from_id, self.status_new)

    def _status_trackings(self, order):
        """(old, new) status names of the tracking messages of ``order``."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        return [
            (tracking.old_value_char, tracking.new_value_char)
            for message in order.message_ids
            for tracking in message.tracking_value_ids
            if tracking.field_id.name == "fulfilment_status_id"
            and message.subtype_id
            == self.env.ref("order_fulfilment.mt_order_fulfilment_status")
        ]

    def test_status_change_of_many_orders_tracked_on_each(self):
        """Many orders moved at once each get the tracking of their status in
        their chatter, whether logged for all at once (nobody to notify) or
        posted for an employee following the status changes (notified)."""
        orders = self._create_order() | self._create_order() | self._create_order()
        self.env.flush_all()
        self.env.cr.precommit.run()
        orders[2].message_subscribe(
            partner_ids=self.manager.partner_id.ids,
            subtype_ids=self.env.ref("order_fulfilment.mt_order_fulfilment_status").ids,
        )
        orders.with_user(self.operator)._fulfilment_set_status(self.status_processing)
        for order in orders:
            self.assertEqual(
                self._status_trackings(order),
                [(self.status_new.name, self.status_processing.name)],
            )
        notified = self.env["mail.notification"].search(
            [
                ("res_partner_id", "=", self.manager.partner_id.id),
                ("mail_message_id.res_id", "in", orders.ids),
                ("mail_message_id.model", "=", "sale.order"),
            ]
        )
        self.assertEqual(notified.mail_message_id.res_id, orders[2].id)
        logged = orders[0].message_ids.filtered(
            lambda message: (
                self.status_processing.name
                in message.tracking_value_ids.mapped("new_value_char")
            )
        )
        self.assertEqual(logged.author_id, self.operator.partner_id)

    def test_signup_prepared_again_writes_nothing(self):
        """Notifying a customer again does not write their partner when their
        signup is already prepared (two transactions notifying two orders of
        one customer would otherwise both write its row)."""
        partner = self.customer.sudo()
        partner.signup_prepare()
        self.env.flush_all()
        with patch.object(type(partner), "write", side_effect=AssertionError):
            partner.signup_prepare()
        self.assertEqual(partner.signup_type, "signup")

    def test_status_bar_write_is_a_manual_change(self):
        """Writing the status (status bar, import, RPC) is checked and recorded
        as a manual change by the user who wrote it."""
        order = self._create_order()
        order.with_user(self.operator).write(
            {"fulfilment_status_id": self.status_processing.id, "note": "Fragile"}
        )
        entry = order.fulfilment_status_history_ids.filtered(
            lambda h: h.status_to_id == self.status_processing
        )
        self.assertEqual(entry.user_id, self.operator)
        self.assertFalse(entry.is_automatic)
        self.assertIn("Fragile", str(order.note), "the other values are written too")

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

    def test_unknown_event_raises(self):
        """An event that is not declared raises instead of doing nothing."""
        order = self._create_order()
        with self.assertRaises(ValueError):
            order._fulfilment_trigger_event("teleported")
        with self.assertRaises(ValueError):
            self.env["sale.order"]._fulfilment_trigger_event("teleported")
        self.assertEqual(order.fulfilment_status_id, self.status_new)

    def test_event_never_moves_backwards(self):
        """An automatic event does not put an order back in the flow: an order
        in Shipping stays there when a late "AWB created" arrives, silently."""
        order = self._create_order()
        order.action_confirm()
        order._fulfilment_trigger_event("shipped")
        self.assertEqual(order.fulfilment_status_id, self.status_shipping)
        history_count = len(order.fulfilment_status_history_ids)
        messages = order.message_ids
        moved = order._fulfilment_trigger_event("awb_created")
        self.assertFalse(moved)
        self.assertEqual(order.fulfilment_status_id, self.status_shipping)
        self.assertEqual(len(order.fulfilment_status_history_ids), history_count)
        self.assertEqual(order.message_ids, messages, "no note for normal progress")

    def test_event_moves_forward_and_out_of_the_flow(self):
        """Events move orders forward, and into statuses outside the flow
        (progress 0) such as cancellation, whatever the stage."""
        order = self._create_order()
        order.action_confirm()
        order._fulfilment_trigger_event("shipped")
        self.assertEqual(order._fulfilment_trigger_event("delivered"), order)
        self.assertEqual(order.fulfilment_status_id.auto_event, "delivered")
        self.assertFalse(self.status_cancelled.progress)
        order._fulfilment_trigger_event("cancelled")
        self.assertEqual(order.fulfilment_status_id, self.status_cancelled)

    def test_manual_change_may_move_backwards(self):
        """Staff may move an order back by hand (within allowed transitions)."""
        order = self._create_order()
        order.action_confirm()
        order._fulfilment_trigger_event("shipped")
        order.with_user(self.operator)._fulfilment_set_status(self.status_processing)
        self.assertEqual(order.fulfilment_status_id, self.status_processing)

    def test_progress_stage_decides_earlier(self):
        """Statuses compare by progress stage; stage 0 is outside the flow."""
        self.assertTrue(self.status_shipping._is_later_than(self.status_paid))
        self.assertFalse(self.status_paid._is_later_than(self.status_shipping))
        self.assertFalse(self.status_shipping._is_later_than(self.status_cancelled))
        self.assertFalse(self.status_cancelled._is_later_than(self.status_new))
        custom = self.env["fulfilment.status"].create(
            {"name": "Packed", "progress": 55}
        )
        order = self._create_order()
        order.action_confirm()
        order._fulfilment_set_status(custom)
        order._fulfilment_trigger_event("awb_created")  # Ready to ship: 50
        self.assertEqual(order.fulfilment_status_id, custom)
        order._fulfilment_trigger_event("shipped")  # 60
        self.assertEqual(order.fulfilment_status_id, self.status_shipping)

    def test_strict_mode_raises_with_reason(self):
        """In strict mode a refused move raises with the reason, changes
        nothing and leaves no note."""
        order = self._create_order()
        order._fulfilment_set_status(self.status_completed)
        messages = order.message_ids
        with self.assertRaises(UserError) as caught:
            order._fulfilment_trigger_event("cancelled", strict=True)
        self.assertIn(order.name, caught.exception.args[0])
        self.assertIn(self.status_completed.name, caught.exception.args[0])
        self.assertEqual(order.fulfilment_status_id, self.status_completed)
        self.assertEqual(order.message_ids, messages)

    def test_hooks_are_called(self):
        """The engine asks its hooks: before-event bookkeeping runs even when
        nothing moves, and a feature's refusal keeps the order where it is."""
        order = self._create_order()
        order.action_confirm()
        seen = []
        SaleOrder = type(order)
        before = SaleOrder._fulfilment_before_event
        refusals = SaleOrder._fulfilment_event_refusals

        def before_event(records, event):
            seen.append((records.ids, event))
            return before(records, event)

        def event_refusals(records, event, status):
            result = refusals(records, event, status)
            if event == "paid":
                result.update(dict.fromkeys(records, "held by a feature"))
            return result

        with (
            patch.object(SaleOrder, "_fulfilment_before_event", before_event),
            patch.object(SaleOrder, "_fulfilment_event_refusals", event_refusals),
        ):
            order._fulfilment_trigger_event("paid")
            order._fulfilment_trigger_event("payment_overdue")
        self.assertIn((order.ids, "paid"), seen)
        self.assertIn((order.ids, "payment_overdue"), seen)
        self.assertEqual(order.fulfilment_status_id, self.status_awaiting_payment)
        self.assertIn("held by a feature", order.message_ids[0].body)
        self.assertTrue(order.fulfilment_paid_date, "bookkeeping ran all the same")

    def test_manual_status_of_an_event_runs_its_bookkeeping(self):
        """Staff entering a status bound to "delivered" say the customer has it."""
        order = self._create_order()
        order.action_confirm()
        delivered = self.env["fulfilment.status"].search(
            [("auto_event", "=", "delivered")], limit=1
        )
        order.with_user(self.operator)._fulfilment_set_status(delivered)
        self.assertTrue(order.fulfilment_delivered_date)

    def test_creation_goes_through_the_engine(self):
        """A new order enters the "created" status with its history row and the
        status's customer notification, in one batch for several orders."""
        template = self.env["mail.template"].create(
            {
                "name": "Order received",
                "model_id": self.env["ir.model"]._get_id("sale.order"),
                "subject": "We received {{ object.name }}",
                "partner_to": "{{ object.partner_id.id }}",
                "body_html": "<p>Thank you</p>",
            }
        )
        self.status_new.mail_template_id = template
        orders = self.env["sale.order"].create(
            [
                {"partner_id": self.customer.id},
                {"partner_id": self.customer.id},
            ]
        )
        self._send_notifications()
        for order in orders:
            self.assertEqual(order.fulfilment_status_id, self.status_new)
            self.assertEqual(order.fulfilment_status_history_ids.event, "created")
            self.assertIn(
                f"We received {order.name}", order.message_ids.mapped("subject")
            )

    def test_install_gives_each_company_its_own_status(self):
        """Installation gives existing orders the status of their own company."""
        other_company = self.env["res.company"].create({"name": "Second Shop"})
        other_new = self.env["fulfilment.status"].create(
            {
                "name": "Second new",
                "auto_event": "created",
                "company_id": other_company.id,
            }
        )
        order = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "company_id": other_company.id}
        )
        self.assertEqual(order.fulfilment_status_id, other_new)
        self.env.cr.execute(
            "DELETE FROM fulfilment_status_history WHERE order_id = %s", [order.id]
        )
        self.env.cr.execute(
            "UPDATE sale_order SET fulfilment_status_id = NULL WHERE id = %s",
            [order.id],
        )
        order.invalidate_recordset()
        self.env["sale.order"]._fulfilment_install_statuses()
        self.assertEqual(order.fulfilment_status_id, other_new)
        self.assertEqual(order.fulfilment_status_history_ids.event, "installed")

    def test_groups_by_status_follow_the_status_order(self):
        """Orders grouped by status come in the statuses' sequence (kanban
        columns, grouped lists), not in the order the statuses were created."""
        first = self.env["fulfilment.status"].create({"name": "First", "sequence": 1})
        orders = self._create_order() | self._create_order()
        orders[0]._fulfilment_set_status(first)
        groups = self.env["sale.order"]._read_group(
            [("id", "in", orders.ids)],
            ["fulfilment_status_id"],
            ["__count"],
            order="fulfilment_status_id",
        )
        self.assertEqual(
            [status for status, _count in groups], [first, self.status_new]
        )
        descending = self.env["sale.order"]._read_group(
            [("id", "in", orders.ids)],
            ["fulfilment_status_id"],
            ["__count"],
            order="fulfilment_status_id desc",
        )
        self.assertEqual(
            [status for status, _count in descending], [self.status_new, first]
        )
        # What the kanban asks for: the public read_group, ordered by status.
        kanban = self.env["sale.order"].read_group(
            [("id", "in", orders.ids)],
            ["fulfilment_status_id"],
            ["fulfilment_status_id"],
        )
        self.assertEqual(
            [group["fulfilment_status_id"][0] for group in kanban][:2],
            [first.id, self.status_new.id],
        )

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import FulfilmentCommon


@tagged("post_install", "-at_install")
class TestLossGuard(FulfilmentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loss_review = cls.env.ref("order_fulfilment.mail_activity_type_loss_review")

    def _create_loss_order(self):
        """A confirmed order sold below cost: 10 for goods costing 55."""
        order = self._create_order(quantity=1, price=10.0, user_id=self.operator.id)
        order.action_confirm()
        self.assertLess(order.profit_net, 0)
        return order

    def _manager_activities(self, order):
        return order.activity_ids.filtered(
            lambda a: (
                a.activity_type_id == self.loss_review
                and a.active
                and a.user_id == self.manager
            )
        )

    def test_delivery_validation_refused_and_managers_notified(self):
        """Delivering an order at a loss is refused; the managers are told."""
        order = self._create_loss_order()
        picking = order.picking_ids
        result = self._deliver(order, user=self.operator)
        self.assertIsInstance(result, dict)
        self.assertEqual(result["res_model"], "fulfilment.loss.approval")
        self.assertNotEqual(picking.state, "done")
        self.assertTrue(order.loss_blocked)
        self.assertEqual(len(self._manager_activities(order)), 1)
        notified = order.message_ids.filtered(
            lambda m: self.manager.partner_id in m.partner_ids
        )
        self.assertTrue(notified, "the managers are notified in the chatter")
        # Trying again does not pile up activities.
        self._deliver(order, user=self.operator)
        self.assertEqual(len(self._manager_activities(order)), 1)

    def test_invoice_posting_refused(self):
        """Posting the invoice of an order at a loss is refused; it stays in draft."""
        order = self._create_loss_order()
        invoice = order._create_invoices()
        result = invoice.action_post()
        self.assertEqual(result["res_model"], "fulfilment.loss.approval")
        self.assertEqual(invoice.state, "draft")
        self.assertTrue(order.loss_blocked)
        self.assertTrue(self._manager_activities(order))

    def test_manager_approval_lets_delivery_through(self):
        """A manager's approval is recorded (who, when, why); the delivery passes."""
        order = self._create_loss_order()
        result = self._deliver(order, user=self.operator)
        wizard = (
            self.env["fulfilment.loss.approval"]
            .with_user(self.manager)
            .browse(result["res_id"])
        )
        self.assertTrue(wizard.can_approve)
        wizard.reason = "Replacement of a damaged parcel"
        wizard.action_approve()
        self.assertEqual(order.picking_ids.state, "done")
        self.assertFalse(order.loss_blocked)
        self.assertEqual(order.loss_approved_by_id, self.manager)
        self.assertTrue(order.loss_approved_date)
        self.assertEqual(order.loss_approval_reason, "Replacement of a damaged parcel")
        self.assertFalse(self._manager_activities(order), "review activity done")

    def test_manager_approval_lets_invoice_through(self):
        """After approval, the refused invoice is posted."""
        self.manager.groups_id += self.env.ref("account.group_account_invoice")
        order = self._create_loss_order()
        invoice = order._create_invoices()
        result = invoice.action_post()
        wizard = (
            self.env["fulfilment.loss.approval"]
            .with_user(self.manager)
            .browse(result["res_id"])
        )
        wizard.reason = "Clearance sale"
        wizard.action_approve()
        self.assertEqual(invoice.state, "posted")

    def test_operator_cannot_approve(self):
        """Only fulfilment managers may approve a loss."""
        order = self._create_loss_order()
        result = self._deliver(order, user=self.operator)
        wizard = (
            self.env["fulfilment.loss.approval"]
            .with_user(self.operator)
            .browse(result["res_id"])
        )
        self.assertFalse(wizard.can_approve)
        wizard.reason = "I say so"
        with self.assertRaises(AccessError):
            wizard.action_approve()
        self.assertTrue(order.loss_blocked)

    def test_approval_requires_reason(self):
        """An approval without a reason is refused."""
        order = self._create_loss_order()
        with self.assertRaises(UserError):
            order.with_user(self.manager)._fulfilment_approve_loss("  ")
        self.assertFalse(order.loss_approved_date)

    def test_closing_status_refused(self):
        """Closing an order at a loss by hand is refused with a clear message."""
        order = self._create_loss_order()
        with self.assertRaisesRegex(UserError, "would be completed with a net profit"):
            order.with_user(self.operator).write(
                {"fulfilment_status_id": self.status_completed.id}
            )
        self.assertNotEqual(order.fulfilment_status_id, self.status_completed)

    def test_closing_refusal_recorded_after_rollback(self):
        """The refused closing is recorded once the request's transaction rolls back."""
        order = self._create_loss_order()
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)
        with self.assertRaises(UserError):
            order.with_user(self.operator).write(
                {"fulfilment_status_id": self.status_completed.id}
            )
        # What the end of the refused request does: roll back, run the hooks.
        self.env.cr.postrollback.run()
        self.env.invalidate_all()
        self.assertTrue(order.loss_blocked)
        self.assertEqual(len(self._manager_activities(order)), 1)

    def test_fixed_order_released(self):
        """An order blocked, then repriced above cost, passes and is unblocked."""
        order = self._create_loss_order()
        self._deliver(order, user=self.operator)
        self.assertTrue(order.loss_blocked)
        order.order_line.price_unit = 100.0
        self.assertIs(self._deliver(order, user=self.operator), True)
        self.assertFalse(order.loss_blocked)
        self.assertFalse(order.loss_approved_date, "no approval was needed")
        self.assertFalse(self._manager_activities(order))

    def test_profitable_order_passes(self):
        """An order above the threshold is delivered without any question."""
        order = self._create_order(quantity=1, price=100.0)
        order.action_confirm()
        self.assertIs(self._deliver(order), True)
        self.assertFalse(order.loss_blocked)

    def test_threshold_and_switch_per_company(self):
        """The threshold blocks thin margins; switching the guard off lets them pass."""
        self.company.fulfilment_loss_threshold = 50.0
        order = self._create_order(quantity=1, price=100.0)  # net profit 45
        order.action_confirm()
        self.assertIsInstance(self._deliver(order), dict)
        self.company.fulfilment_loss_guard_delivery = False
        self.assertIs(self._deliver(order), True)
        self.assertEqual(order.picking_ids.state, "done")

    def test_automatic_close_held(self):
        """An automatic event never closes an order at a loss: it is blocked."""
        order = self._create_loss_order()
        order.fulfilment_status_id = self.status_shipping
        order._fulfilment_trigger_event("completed")
        self.assertNotEqual(order.fulfilment_status_id, self.status_completed)
        self.assertTrue(order.loss_blocked)
        self.assertEqual(len(self._manager_activities(order)), 1)

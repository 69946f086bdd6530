from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.order_fulfilment.exceptions import FulfilmentLossError

from .common import FulfilmentCommon


@tagged("post_install", "-at_install")
class TestLossGuard(FulfilmentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loss_review = cls.env.ref("order_fulfilment.mail_activity_type_loss_review")
        # Off by default: the shop turns it on in the settings.
        cls.company.fulfilment_loss_guard = True

    def _create_loss_order(self):
        """A confirmed order sold below cost: 10 for goods costing 55."""
        order = self._create_order(quantity=1, price=10.0, user_id=self.operator.id)
        order.action_confirm()
        self.assertLess(order.profit_net, 0)
        return order

    def _validate_button(self, order, user=None, quantity=None):
        """Click the delivery's Validate button with the given quantities
        (the ordered ones by default).

        :return: what the button returned (True, or a wizard action)
        """
        pickings = order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        if user:
            pickings = pickings.with_user(user)
        pickings.action_assign()
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty if quantity is None else quantity
            move.picked = True
        return pickings.action_fulfilment_validate()

    def _record_refusals(self):
        """What the end of a refused request does: roll back, run the hooks that
        record the block in a fresh transaction."""
        self.env.cr.postrollback.run()
        self.env.invalidate_all()

    def _manager_activities(self, order):
        return order.activity_ids.filtered(
            lambda a: (
                a.activity_type_id == self.loss_review
                and a.active
                and a.user_id == self.manager
            )
        )

    def test_off_by_default(self):
        """A company starts with the guard off: orders at a loss are delivered
        and invoiced like any other."""
        shop = self.env["res.company"].create({"name": "Another Shop"})
        self.assertFalse(shop.fulfilment_loss_guard)
        self.company.fulfilment_loss_guard = False
        order = self._create_loss_order()
        self.assertIs(self._deliver(order, user=self.operator), True)
        self.assertEqual(order.picking_ids.state, "done")
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertFalse(order.loss_blocked)

    def test_delivery_validation_from_code_refused(self):
        """Validating the delivery of an order at a loss from code raises a
        UserError naming the approval path; the delivery stays ready, and the
        block and the managers' activity are recorded once the request's
        transaction has rolled back."""
        order = self._create_loss_order()
        picking = order.picking_ids
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)
        with self.assertRaisesRegex(UserError, "Approve Loss") as refusal:
            self._deliver(order, user=self.operator)
        self.assertIsInstance(refusal.exception, FulfilmentLossError)
        self.assertEqual(picking.state, "assigned")
        self._record_refusals()
        self.assertTrue(order.loss_blocked)
        self.assertEqual(len(self._manager_activities(order)), 1)

    def test_validate_button_opens_approval_and_notifies_managers(self):
        """The delivery's Validate button opens the approval dialog instead;
        the order is blocked and the managers told, once."""
        order = self._create_loss_order()
        picking = order.picking_ids
        result = self._validate_button(order, user=self.operator)
        self.assertEqual(result["res_model"], "fulfilment.loss.approval")
        wizard = self.env["fulfilment.loss.approval"].browse(result["res_id"])
        self.assertEqual(wizard.picking_ids, picking)
        self.assertEqual(picking.state, "assigned")
        self.assertTrue(order.loss_blocked)
        self.assertEqual(len(self._manager_activities(order)), 1)
        notified = order.message_ids.filtered(
            lambda m: self.manager.partner_id in m.partner_ids
        )
        self.assertTrue(notified, "the managers are notified in the chatter")
        # Trying again does not pile up activities.
        self._validate_button(order, user=self.operator)
        self.assertEqual(len(self._manager_activities(order)), 1)

    def test_validate_button_keeps_core_behaviour(self):
        """Without a loss the button is Odoo's Validate: the delivery is done."""
        order = self._create_order(quantity=1, price=100.0)
        order.action_confirm()
        self.assertIs(self._validate_button(order, user=self.operator), True)
        self.assertEqual(order.picking_ids.state, "done")

    def test_invoice_posting_from_code_refused(self):
        """Posting the invoice of an order at a loss from code raises a UserError;
        the invoice stays in draft."""
        order = self._create_loss_order()
        invoice = order._create_invoices()
        with self.assertRaisesRegex(UserError, "would be completed with a net profit"):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")

    def test_post_button_opens_approval(self):
        """The invoice's Confirm button opens the approval dialog; the invoice
        stays in draft and the managers are told."""
        order = self._create_loss_order()
        invoice = order._create_invoices()
        result = invoice.action_fulfilment_post()
        self.assertEqual(result["res_model"], "fulfilment.loss.approval")
        self.assertEqual(
            self.env["fulfilment.loss.approval"].browse(result["res_id"]).invoice_ids,
            invoice,
        )
        self.assertEqual(invoice.state, "draft")
        self.assertTrue(order.loss_blocked)
        self.assertTrue(self._manager_activities(order))

    def test_paid_online_order_invoice_posted_despite_loss(self):
        """Odoo's automatic invoicing after an online payment posts the invoice
        of an order at a loss and reconciles the payment: the money is in. The
        managers are told instead; the order is not blocked."""
        self.env["ir.config_parameter"].sudo().set_param(
            "sale.automatic_invoice", "True"
        )
        order = self._create_loss_order()
        transaction = self._create_online_transaction(order)
        transaction._set_done()
        transaction._post_process()
        invoice = order.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertFalse(order.loss_blocked)
        told = order.message_ids.filtered(
            lambda m: (
                self.manager.partner_id in m.partner_ids and "already paid" in m.body
            )
        )
        self.assertEqual(len(told), 1)

    def test_manager_approval_lets_delivery_through(self):
        """A manager's approval is recorded (who, when, why); the delivery passes."""
        order = self._create_loss_order()
        result = self._validate_button(order, user=self.operator)
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

    def test_approval_then_backorder_wizard(self):
        """After the approval of a partial delivery, Odoo's backorder wizard
        still opens."""
        self.manager.groups_id += self.env.ref("stock.group_stock_user")
        order = self._create_order(quantity=2, price=10.0, user_id=self.operator.id)
        order.action_confirm()
        result = self._validate_button(order, user=self.operator, quantity=1)
        wizard = (
            self.env["fulfilment.loss.approval"]
            .with_user(self.manager)
            .browse(result["res_id"])
        )
        wizard.reason = "Clearance sale"
        next_step = wizard.action_approve()
        self.assertEqual(next_step["res_model"], "stock.backorder.confirmation")
        self.assertEqual(order.picking_ids.state, "assigned")

    def test_manager_approval_lets_invoice_through(self):
        """After approval, the refused invoice is posted."""
        self.manager.groups_id += self.env.ref("account.group_account_invoice")
        order = self._create_loss_order()
        invoice = order._create_invoices()
        result = invoice.action_fulfilment_post()
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
        result = self._validate_button(order, user=self.operator)
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
        self._record_refusals()
        self.assertTrue(order.loss_blocked)
        self.assertEqual(len(self._manager_activities(order)), 1)

    def test_fixed_order_released(self):
        """An order blocked, then repriced above cost, passes and is unblocked."""
        order = self._create_loss_order()
        self._validate_button(order, user=self.operator)
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
        with self.assertRaises(FulfilmentLossError):
            self._deliver(order)
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

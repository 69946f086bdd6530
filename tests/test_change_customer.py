from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .rma_common import FulfilmentRmaCommon


@tagged("post_install", "-at_install")
class TestChangeCustomer(FulfilmentRmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.new_customer = cls.env["res.partner"].create(
            {
                "name": "Bogdan Right",
                "email": "bogdan@example.com",
                "street": "Str. Noua 3",
                "city": "Brasov",
            }
        )
        cls.new_delivery_address = cls.env["res.partner"].create(
            {
                "name": "Bogdan Right (office)",
                "type": "delivery",
                "parent_id": cls.new_customer.id,
                "street": "Bd. Eroilor 1",
                "city": "Brasov",
            }
        )

    def _confirmed_order(self):
        order = self._create_order(quantity=2)
        order.action_confirm()
        return order

    def _wizard(self, order, user=None, reason="Ordered on the wrong account"):
        """The wizard as the order's button opens it, filled in."""
        env = self.env(user=user) if user else self.env
        action = order.with_env(env).action_fulfilment_change_customer()
        Wizard = env[action["res_model"]].with_context(**action["context"])
        if order._fulfilment_change_customer_problems():
            # The form shows the problems and no field to fill: the server
            # must refuse all the same.
            return Wizard.create({"partner_id": self.new_customer.id, "reason": reason})
        form = Form(Wizard)
        form.partner_id = self.new_customer
        form.reason = reason
        return form.save()

    def test_moves_order_deliveries_and_draft_invoices(self):
        """The order, its open delivery and its draft invoice go to the new
        customer and its delivery address; status and prices stay, the chatter
        says from whom to whom and why, and the old customer stops following."""
        order = self._confirmed_order()
        status = order.fulfilment_status_id
        invoice = order._create_invoices()
        self.assertEqual(invoice.state, "draft")
        total = order.amount_total
        self.assertIn(self.customer, order.message_partner_ids)
        token = order._portal_ensure_token()
        wizard = self._wizard(order, user=self.operator)
        self.assertEqual(wizard.partner_shipping_id, self.new_delivery_address)
        wizard.action_apply()
        self.assertEqual(order.partner_id, self.new_customer)
        self.assertEqual(order.partner_shipping_id, self.new_delivery_address)
        self.assertEqual(order.picking_ids.partner_id, self.new_delivery_address)
        self.assertEqual(invoice.partner_id, self.new_customer)
        self.assertEqual(invoice.partner_shipping_id, self.new_delivery_address)
        self.assertEqual(order.fulfilment_status_id, status)
        self.assertEqual(order.amount_total, total)
        self.assertNotIn(self.customer, order.message_partner_ids)
        self.assertIn(self.new_customer, order.message_partner_ids)
        self.assertNotEqual(order.access_token, token)
        log = order.message_ids[0].body
        self.assertIn("Ordered on the wrong account", log)
        self.assertIn("Ana Client", log)
        self.assertIn("Bogdan Right", log)

    def test_moves_returns(self):
        """An open return of the order moves with it (an order whose goods
        left cannot move, so this return is still a draft)."""
        order = self._confirmed_order()
        rma = self.env["fulfilment.rma"].create(
            {"order_id": order.id, "requested_resolution": "refund"}
        )
        self._wizard(order).action_apply()
        self.assertEqual(rma.partner_id, self.new_customer)
        self.assertNotIn(self.customer, rma.message_partner_ids)

    def test_refused_with_posted_invoice(self):
        """A posted invoice refuses the change, says to issue a credit note,
        and nothing moves."""
        order = self._confirmed_order()
        invoice = order._create_invoices()
        invoice.action_post()
        wizard = self._wizard(order)
        self.assertIn("credit note", wizard.problems)
        with self.assertRaisesRegex(UserError, "credit note"):
            wizard.action_apply()
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.picking_ids.partner_id, self.customer)
        self.assertEqual(invoice.partner_id, self.customer)

    def test_refused_with_done_delivery(self):
        """A delivery that already left refuses the change and points to a
        return."""
        order = self._confirmed_order()
        self._deliver(order)
        with self.assertRaisesRegex(UserError, "return"):
            self._wizard(order).action_apply()
        self.assertEqual(order.partner_id, self.customer)

    def test_refused_on_quotation(self):
        """A quotation changes customer on its own form, not through the wizard."""
        order = self._create_order()
        with self.assertRaisesRegex(UserError, "not a confirmed order"):
            self._wizard(order).action_apply()

    def test_address_of_another_customer_refused(self):
        """A delivery address that belongs to someone else is refused."""
        order = self._confirmed_order()
        wizard = self._wizard(order)
        wizard.partner_shipping_id = self.customer
        with self.assertRaisesRegex(UserError, "not an address of"):
            wizard.action_apply()
        self.assertEqual(order.partner_id, self.customer)

    def test_operators_only(self):
        """A salesperson who is not a fulfilment operator may not move orders."""
        salesman = new_test_user(
            self.env,
            login="plain_salesman",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads",
        )
        order = self._confirmed_order()
        wizard = self._wizard(order)
        with self.assertRaises(AccessError):
            wizard.with_user(salesman).action_apply()
        self.assertEqual(order.partner_id, self.customer)

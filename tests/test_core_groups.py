from odoo.tests import Form, new_test_user, tagged

from .common import FulfilmentCommon


@tagged("post_install", "-at_install")
class TestCoreGroups(FulfilmentCommon):
    """Users of Odoo's own groups only (no fulfilment group) keep working on
    orders, deliveries, invoices and products with the addon installed: every
    field it adds can be read (or is hidden by ``groups``), every compute and
    check it runs works for them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The guard is on, so that its checks run for these users too.
        cls.company.fulfilment_loss_guard = True

        def user(login, groups):
            return new_test_user(
                cls.env,
                login=login,
                name=login.replace("_", " ").title(),
                email=f"{login}@example.com",
                groups=",".join(["base.group_user", *groups]),
            )

        cls.salesman = user("own_salesman", ["sales_team.group_sale_salesman"])
        cls.other_salesman = user("other_salesman", ["sales_team.group_sale_salesman"])
        cls.sales_manager = user("sales_manager", ["sales_team.group_sale_manager"])
        cls.clerk = user("warehouse_clerk", ["stock.group_stock_user"])
        cls.own_clerk = user(
            "own_clerk", ["stock.group_stock_user", "sales_team.group_sale_salesman"]
        )
        cls.accountant = user("invoicing_user", ["account.group_account_invoice"])
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Local courier",
                "delivery_type": "fixed",
                "fixed_price": 10.0,
                "product_id": cls.env["product.product"]
                .create({"name": "Local delivery", "type": "service"})
                .id,
                "tracking_url": "https://track.example.com/?n=<shipmenttrackingnumber>",
            }
        )

    def _confirmed_order(self, salesman=None, **values):
        order = self._create_order(
            user_id=(salesman or self.other_salesman).id,
            carrier_id=self.carrier.id,
            **values,
        )
        order.action_confirm()
        return order

    def _assert_reads_all(self, record, user, form=True):
        """``user`` reads every field the addon adds to ``record``'s model that
        their groups give them, and opens the record's form view (Odoo's fields
        and the addon's)."""
        record = record.with_user(user)
        names = [
            name
            for name in record.fields_get(attributes=["type"])
            if "order_fulfilment" in record._fields[name]._modules
        ]
        self.assertTrue(names)
        for values in record.read(names):
            self.assertEqual(set(values), {"id", *names})
        for one in record if form else ():
            self.assertEqual(Form(one).id, one.id)

    def test_sales_user_reads_and_confirms_orders(self):
        """A Sales user (own documents) reads his orders with all their fields,
        returns and warranties included (hidden from him), and confirms them:
        the order enters the status of the confirmation."""
        order = self._create_order(user=self.salesman, user_id=self.salesman.id)
        self._assert_reads_all(order, self.salesman)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.fulfilment_status_id, self.status_awaiting_payment)
        self._assert_reads_all(order, self.salesman)
        self._assert_reads_all(order.order_line, self.salesman, form=False)
        self._assert_reads_all(self.product, self.salesman)
        self._assert_reads_all(self.product.product_tmpl_id, self.salesman)
        fields = order.with_user(self.salesman).fields_get()
        self.assertNotIn("fulfilment_rma_ids", fields, "returns are not his")

    def test_sales_manager_reads_and_confirms_any_order(self):
        """A Sales manager reads another salesperson's order, delivered and
        invoiced, with its delivery and invoice, and confirms orders."""
        order = self._confirmed_order()
        self._deliver(order)
        order._create_invoices().action_post()
        self._assert_reads_all(order, self.sales_manager)
        self._assert_reads_all(order.picking_ids, self.sales_manager, form=False)
        self._assert_reads_all(order.invoice_ids, self.sales_manager, form=False)
        quotation = self._create_order(user_id=self.other_salesman.id)
        quotation.with_user(self.sales_manager).action_confirm()
        self.assertEqual(quotation.state, "sale")

    def test_warehouse_clerk_validates_delivery_and_enters_tracking(self):
        """A clerk with only Inventory / User validates a sale order's delivery
        with the back-office button and enters its tracking number: the order
        moves to shipping and the customer gets the number."""
        order = self._confirmed_order()
        picking = order.picking_ids.with_user(self.clerk)
        self._assert_reads_all(picking, self.clerk)
        picking.action_assign()
        picking.move_ids.write({"quantity": 1.0, "picked": True})
        self.assertIs(picking.action_fulfilment_validate(), True)
        self.assertEqual(picking.state, "done")
        self.assertEqual(order.fulfilment_status_id, self.status_shipping)
        self._assert_reads_all(picking, self.clerk)
        self._assert_reads_all(self.product, self.clerk)

        action = picking.action_fulfilment_manual_tracking()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.clerk)
            .with_context(**action["context"])
        )
        wizard.tracking_ref = "LC-4455"
        wizard.save().action_confirm()
        self.assertEqual(picking.carrier_tracking_ref, "LC-4455")
        self.assertTrue(
            order.message_ids.filtered(lambda m: "LC-4455" in (m.body or "")),
            "the customer is sent the tracking number",
        )
        # The delivery leads to its order, which Inventory users may read (not
        # in Odoo's form, which shows the order's options they may not read).
        self._assert_reads_all(order, self.clerk, form=False)

    def test_own_documents_clerk_validates_another_salespersons_delivery(self):
        """An Inventory user who sees only his own sales orders validates the
        delivery of another salesperson's order; the loss guard still checks
        that order and refuses it when it makes a loss."""
        order = self._confirmed_order()
        picking = order.picking_ids.with_user(self.own_clerk)
        self.assertFalse(order.with_user(self.own_clerk).has_access("read"))
        self._assert_reads_all(picking, self.own_clerk)
        picking.action_assign()
        picking.move_ids.write({"quantity": 1.0, "picked": True})
        self.assertIs(picking.button_validate(), True)
        self.assertEqual(picking.state, "done")
        self.assertEqual(order.fulfilment_status_id, self.status_shipping)

        at_loss = self._confirmed_order(price=10.0)
        loss_picking = at_loss.picking_ids.with_user(self.own_clerk)
        loss_picking.action_assign()
        loss_picking.move_ids.write({"quantity": 1.0, "picked": True})
        result = loss_picking.action_fulfilment_validate()
        wizard = self.env[result["res_model"]].with_user(self.own_clerk)
        self.assertIn(at_loss.name, wizard.browse(result["res_id"]).message)
        self.assertEqual(loss_picking.state, "assigned")
        self.assertTrue(at_loss.loss_blocked)

    def test_invoicing_user_posts_and_reads_invoices(self):
        """An Invoicing user reads and posts the invoice of an order and
        registers its payment: the order becomes paid."""
        order = self._confirmed_order()
        invoice = order._create_invoices().with_user(self.accountant)
        self._assert_reads_all(invoice, self.accountant)
        invoice.action_fulfilment_post()
        self.assertEqual(invoice.state, "posted")
        self.env["account.payment.register"].with_user(self.accountant).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertEqual(order.fulfilment_status_id, self.status_paid)
        self._assert_reads_all(invoice, self.accountant)
        self._assert_reads_all(self.product, self.accountant)
        # The invoice leads to its order, which Invoicing users may read.
        self._assert_reads_all(order, self.accountant)

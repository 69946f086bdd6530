from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .rma_common import FulfilmentRmaCommon


@tagged("post_install", "-at_install")
class TestRma(FulfilmentRmaCommon):
    def test_partial_return_of_one_line(self):
        """Returning 1 of 3 units of one line brings exactly that unit back to
        stock through a return picking and leaves the other line alone."""
        order = self._create_delivered_order(
            [(self.product, 3, 100.0), (self.product_b, 2, 30.0)]
        )
        stock_before = self._stock(self.product)
        rma = self._create_rma(order, {self.product: 1})
        self.assertEqual(rma.state, "requested")
        self.assertRegex(rma.name, r"^RMA/\d{4}/\d+$")
        rma.action_approve()
        self.assertEqual(rma.state, "approved")
        returns = rma.picking_ids
        self.assertEqual(len(returns), 1)
        self.assertEqual(returns.picking_type_code, "incoming")
        self.assertEqual(returns.return_id, order.picking_ids.filtered("sale_id")[:1])
        self.assertEqual(returns.move_ids.product_id, self.product)
        self.assertEqual(returns.move_ids.product_uom_qty, 1)
        self.assertEqual(returns.location_id.usage, "customer")

        self._receive(rma)
        self.assertEqual(rma.state, "received")
        self.assertEqual(rma.line_ids.quantity_received, 1)
        self.assertEqual(self._stock(self.product), stock_before + 1)
        line_a, line_b = order.order_line
        self.assertEqual(line_a.qty_delivered, 2)
        self.assertEqual(line_b.qty_delivered, 2)
        self.assertIn(returns, order.picking_ids)

    def test_refund_credit_note_amounts(self):
        """The credit note credits the returned units at their order price,
        with taxes, plus the shipping when it is refunded."""
        tax = self.env["account.tax"].create(
            {"name": "VAT 19%", "amount": 19.0, "amount_type": "percent"}
        )
        order = self._create_delivered_order([(self.product, 3, 100.0)])
        order.order_line.tax_id = tax
        shipping = self.env["product.product"].create(
            {"name": "Courier", "type": "service", "list_price": 20.0}
        )
        self.env["sale.order.line"].create(
            {
                "order_id": order.id,
                "product_id": shipping.id,
                "price_unit": 20.0,
                "product_uom_qty": 1,
                "tax_id": [(6, 0, tax.ids)],
                "is_delivery": True,
            }
        )
        invoice = order._create_invoices()
        invoice.action_post()
        rma = self._create_rma(order, {self.product: 2}, refund_shipping=True)
        rma.action_approve()
        self._receive(rma)
        rma.action_resolve()

        self.assertEqual(rma.state, "refunded")
        credit_note = rma.move_ids
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.partner_id, order.partner_invoice_id)
        self.assertAlmostEqual(credit_note.amount_untaxed, 2 * 100.0 + 20.0)
        self.assertAlmostEqual(credit_note.amount_total, 220.0 * 1.19)
        self.assertIn(credit_note, order.invoice_ids)
        self.assertEqual(credit_note.fulfilment_rma_id, rma)
        credit_note.action_post()
        product_line = order.order_line.filtered(lambda l: l.product_id == self.product)
        self.assertEqual(product_line.qty_invoiced, 1)
        self.assertEqual(product_line.qty_delivered, 1)

    def test_refund_without_shipping(self):
        """Without "Refund Shipping" the shipping line stays charged."""
        order = self._create_delivered_order([(self.product, 2, 100.0)])
        shipping = self.env["product.product"].create(
            {"name": "Courier", "type": "service", "list_price": 20.0}
        )
        self.env["sale.order.line"].create(
            {
                "order_id": order.id,
                "product_id": shipping.id,
                "price_unit": 20.0,
                "tax_id": False,
                "is_delivery": True,
            }
        )
        rma = self._create_rma(order, {self.product: 1})
        rma.action_approve()
        self._receive(rma)
        rma.action_resolve()
        self.assertAlmostEqual(rma.move_ids.amount_total, 100.0)

    def test_replacement_delivery(self):
        """A replacement ships the same product again from stock, linked to
        the order and the return; delivered quantities end where they were."""
        order = self._create_delivered_order([(self.product, 2, 100.0)])
        rma = self._create_rma(order, {self.product: 1}, resolution="replace")
        rma.action_approve()
        self._receive(rma)
        stock_after_return = self._stock(self.product)
        rma.action_resolve()

        self.assertEqual(rma.state, "replaced")
        self.assertFalse(rma.move_ids)
        delivery = rma.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertEqual(len(delivery), 1)
        self.assertEqual(delivery.move_ids.product_id, self.product)
        self.assertEqual(delivery.move_ids.product_uom_qty, 1)
        self.assertEqual(delivery.sale_id, order)
        self.assertEqual(delivery.partner_id, order.partner_shipping_id)
        self.assertEqual(delivery.state, "assigned")
        status = order.fulfilment_status_id
        self._validate_picking(delivery)
        # The replacement parcel does not send the order back to "shipping".
        self.assertEqual(order.fulfilment_status_id, status)
        self.assertEqual(self._stock(self.product), stock_after_return - 1)
        self.assertEqual(order.order_line.qty_delivered, 2)
        self.assertEqual(
            len(order.order_line), 1, "no order line added by the delivery"
        )

    def test_exchange_difference_invoiced(self):
        """Exchanging for a dearer product ships it and invoices the difference."""
        order = self._create_delivered_order([(self.product, 1, 100.0)])
        rma = self._create_rma(order, {self.product: 1}, resolution="exchange")
        rma.line_ids.exchange_product_id = self.product_premium
        self.assertEqual(rma.line_ids.exchange_price_unit, 150.0)
        rma.action_approve()
        self._receive(rma)
        rma.action_resolve()

        self.assertEqual(rma.state, "exchanged")
        invoice = rma.move_ids
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertAlmostEqual(invoice.amount_total, 50.0)
        delivery = rma.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertEqual(delivery.move_ids.product_id, self.product_premium)
        stock_premium = self._stock(self.product_premium)
        self._validate_picking(delivery)
        self.assertEqual(self._stock(self.product_premium), stock_premium - 1)
        self.assertNotIn(self.product_premium, order.order_line.product_id)

    def test_exchange_difference_credited(self):
        """Exchanging for a cheaper product credits the difference."""
        order = self._create_delivered_order([(self.product, 2, 100.0)])
        rma = self._create_rma(order, {self.product: 2}, resolution="exchange")
        rma.line_ids.exchange_product_id = self.product_basic
        rma.action_approve()
        self._receive(rma)
        rma.action_resolve()

        credit_note = rma.move_ids
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertAlmostEqual(credit_note.amount_total, 2 * (100.0 - 60.0))
        self.assertIn(credit_note, order.invoice_ids)

    def test_exchange_requires_product(self):
        """An exchange cannot be approved without the product to send."""
        order = self._create_delivered_order([(self.product, 1, 100.0)])
        rma = self._create_rma(order, {self.product: 1}, resolution="exchange")
        with self.assertRaisesRegex(UserError, "exchanged for"):
            rma.action_approve()
        self.assertEqual(rma.state, "requested")
        self.assertFalse(rma.picking_ids)

    def test_surcharge_invoice_line(self):
        """Surcharges become lines of a customer invoice of the return."""
        order = self._create_delivered_order([(self.product, 1, 100.0)])
        rma = self._create_rma(order, {self.product: 1}, resolution="replace")
        rma.write(
            {
                "surcharge_ids": [
                    (0, 0, {"surcharge_type": "restocking", "price_unit": 12.5}),
                    (0, 0, {"surcharge_type": "shipping_change"}),
                ]
            }
        )
        restocking, shipping_change = rma.surcharge_ids
        self.assertEqual(
            restocking.product_id,
            self.env.ref("order_fulfilment.product_rma_surcharge_restocking"),
        )
        rma.action_approve()
        self._receive(rma)
        rma.action_resolve()

        invoice = rma.move_ids.filtered(lambda m: m.move_type == "out_invoice")
        self.assertEqual(len(invoice), 1)
        self.assertEqual(
            invoice.invoice_line_ids.product_id,
            restocking.product_id | shipping_change.product_id,
        )
        self.assertEqual(restocking.invoice_line_id.price_unit, 12.5)
        self.assertEqual(restocking.invoice_line_id.move_id, invoice)
        self.assertAlmostEqual(
            invoice.amount_untaxed, 12.5 + shipping_change.price_unit
        )
        with self.assertRaisesRegex(UserError, "no surcharge left"):
            rma.action_invoice_surcharges()

    def test_late_return_needs_manager(self):
        """A request after the return period is flagged; an operator cannot
        approve it, a manager can."""
        order = self._create_delivered_order([(self.product, 1, 100.0)])
        self._age_delivery(order, 20)
        rma = self._create_rma(order, {self.product: 1})
        self.assertTrue(rma.is_late)
        self.assertTrue(rma.activity_ids)
        with self.assertRaisesRegex(UserError, "only a fulfilment manager"):
            rma.with_user(self.operator).action_approve()
        self.assertEqual(rma.state, "requested")
        self.assertFalse(rma.picking_ids)

        rma.with_user(self.manager).action_approve()
        self.assertEqual(rma.state, "approved")
        self.assertEqual(rma.late_approved_by_id, self.manager)

    def test_return_within_period_approved_by_operator(self):
        """Within the company's 14 days an operator approves the return."""
        order = self._create_delivered_order([(self.product, 1, 100.0)])
        self._age_delivery(order, 10)
        rma = self._create_rma(order, {self.product: 1})
        self.assertFalse(rma.is_late)
        rma.with_user(self.operator).action_approve()
        self.assertEqual(rma.state, "approved")

    def test_category_return_period(self):
        """A product category's own period replaces the company's."""
        category = self.env["product.category"].create(
            {
                "name": "Electronics 30 days",
                "fulfilment_return_period_custom": True,
                "fulfilment_return_period_days": 30,
            }
        )
        self.product.categ_id = category
        order = self._create_delivered_order([(self.product, 1, 100.0)])
        self._age_delivery(order, 20)
        rma = self._create_rma(order, {self.product: 1})
        self.assertFalse(rma.is_late)
        self.company.fulfilment_return_period_days = 30
        category.fulfilment_return_period_days = 7
        rma.line_ids.invalidate_recordset()
        rma.line_ids._compute_return_deadline()
        self.assertTrue(rma.line_ids.is_late)

    def test_over_quantity_refused(self):
        """More than delivered minus already returned or claimed is refused."""
        order = self._create_delivered_order([(self.product, 3, 100.0)])
        with self.assertRaisesRegex(UserError, "only 3.0 delivered"):
            self._create_rma(order, {self.product: 4})
        first = self._create_rma(order, {self.product: 2})
        with self.assertRaisesRegex(UserError, "only 1.0 delivered"):
            self._create_rma(order, {self.product: 2})
        first.action_approve()
        self._receive(first)
        with self.assertRaisesRegex(UserError, "only 1.0 delivered"):
            self._create_rma(order, {self.product: 2})
        last = self._create_rma(order, {self.product: 1})
        self.assertEqual(last.state, "requested")

    def test_order_status_event_on_receipt(self):
        """Receiving the return fires the order's "returned" event."""
        order = self._create_delivered_order([(self.product, 1, 100.0)])
        rma = self._create_rma(order, {self.product: 1})
        rma.action_approve()
        self.assertNotEqual(order.fulfilment_status_id, self.status_returned)
        self._receive(rma)
        self.assertEqual(order.fulfilment_status_id, self.status_returned)
        history = order.fulfilment_status_history_ids.filtered(
            lambda h: h.event == "returned"
        )
        self.assertEqual(len(history), 1)
        self.assertIn(rma.name, history.reason)

    def test_repair_case(self):
        """A repair keeps the return in repair with an activity, then ships
        the repaired item back."""
        order = self._create_delivered_order([(self.product, 1, 100.0)])
        rma = self._create_rma(order, {self.product: 1}, resolution="repair")
        rma.action_approve()
        self._receive(rma)
        rma.action_resolve()
        self.assertEqual(rma.state, "in_repair")
        self.assertIn("Repair", rma.activity_ids.summary)
        rma.action_repair_done()
        self.assertEqual(rma.state, "repaired")
        delivery = rma.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertEqual(delivery.move_ids.product_id, self.product)

    def test_return_wizard_from_order(self):
        """The order's Return button lists the delivered lines and creates a
        requested return with the chosen quantities; the order stays on
        screen with a notification linking the return."""
        order = self._create_delivered_order(
            [(self.product, 2, 100.0), (self.product_b, 1, 30.0)]
        )
        self.assertTrue(order.fulfilment_can_return)
        action = order.action_fulfilment_return()
        wizard_form = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        )
        wizard_form.reason = "wrong_item"
        self.assertEqual(len(wizard_form.line_ids), 2)
        with wizard_form.line_ids.edit(1) as line:
            line.quantity = 1
            line.condition = "unopened"
        result = wizard_form.save().action_create_rma()
        rma = order.fulfilment_rma_ids
        self.assertEqual(len(rma), 1)
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(result["params"]["links"][0]["label"], rma.name)
        self.assertEqual(
            result["params"]["next"]["type"], "ir.actions.act_window_close"
        )
        self.assertEqual(rma.state, "requested")
        self.assertEqual(rma.line_ids.product_id, self.product_b)
        self.assertEqual(rma.line_ids.condition, "unopened")
        self.assertEqual(rma.line_ids.reason, "wrong_item")
        self.assertEqual(order.fulfilment_rma_count, 1)

    def test_return_wizard_reason_and_resolution_per_item(self):
        """Each returned item has its own reason and requested resolution:
        one item defective to replace, the other a withdrawal to refund; the
        decided resolution of each follows its request."""
        order = self._create_delivered_order(
            [(self.product, 2, 100.0), (self.product_b, 1, 30.0)]
        )
        action = order.action_fulfilment_return()
        wizard_form = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        )
        wizard_form.reason = "withdrawal"
        wizard_form.requested_resolution = "refund"
        with wizard_form.line_ids.edit(0) as line:
            self.assertEqual(line.reason, "withdrawal")
            line.quantity = 1
            line.reason = "defective"
            line.requested_resolution = "replace"
        with wizard_form.line_ids.edit(1) as line:
            line.quantity = 1
        wizard_form.save().action_create_rma()
        rma = order.fulfilment_rma_ids
        earbuds = rma.line_ids.filtered(lambda line: line.product_id == self.product)
        other = rma.line_ids - earbuds
        self.assertEqual(
            (earbuds.reason, earbuds.requested_resolution, earbuds.resolution),
            ("defective", "replace", "replace"),
        )
        self.assertEqual(
            (other.reason, other.requested_resolution, other.resolution),
            ("withdrawal", "refund", "refund"),
        )
        # The return's own choice changes the items that follow it only.
        rma.requested_resolution = "repair"
        self.assertEqual(earbuds.requested_resolution, "replace")
        self.assertEqual(other.requested_resolution, "repair")
        self.assertEqual(other.resolution, "repair")
        self.assertEqual(earbuds.resolution, "replace")

    def test_state_change_email(self):
        """The customer gets an e-mail at each status change."""
        order = self._create_delivered_order([(self.product, 1, 100.0)])
        rma = self.env["fulfilment.rma"].create(
            {
                "order_id": order.id,
                "line_ids": [(0, 0, {"sale_line_id": order.order_line.id})],
            }
        )
        self.env.cr.flush()
        rma.action_request()
        self.env.cr.flush()
        rma.action_approve()
        self.env.cr.flush()
        rma.invalidate_recordset(["message_ids"])
        messages = rma.message_ids.filtered(lambda m: "is now" in (m.subject or ""))
        self.assertTrue(any("Approved" in m.subject for m in messages))
        self.assertTrue(any("Requested" in m.subject for m in messages))
        self.assertIn(self.customer, messages.partner_ids)

    def test_cancel_cancels_return_picking(self):
        """Cancelling an approved return cancels its pending return picking."""
        order = self._create_delivered_order([(self.product, 2, 100.0)])
        rma = self._create_rma(order, {self.product: 2})
        rma.action_approve()
        rma.action_cancel()
        self.assertEqual(rma.picking_ids.state, "cancel")
        again = self._create_rma(order, {self.product: 2})
        self.assertEqual(again.state, "requested")

    def test_return_document_pdf(self):
        """The return document renders as a PDF naming the items."""
        order = self._create_delivered_order([(self.product, 1, 100.0)])
        rma = self._create_rma(order, {self.product: 1})
        rma.action_approve()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("order_fulfilment.report_fulfilment_rma", rma.ids)[0]
            .decode()
        )
        self.assertIn(rma.name, html)
        self.assertIn("Wireless Earbuds", html)
        self.assertIn("Send the parcel to", html)
        pdf = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("order_fulfilment.report_fulfilment_rma", rma.ids)[0]
        )
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_partial_receipt_with_backorder(self):
        """A parcel with part of the items leaves the return waiting for the
        backorder; the return is received when the rest arrives."""
        order = self._create_delivered_order([(self.product, 2, 100.0)])
        rma = self._create_rma(order, {self.product: 2})
        rma.action_approve()
        receipt = rma.picking_ids
        receipt.move_ids.quantity = 1
        receipt.move_ids.picked = True
        receipt._action_done()  # keeps the missing unit in a backorder
        backorder = self.env["stock.picking"].search(
            [("backorder_id", "=", receipt.id)]
        )
        self.assertEqual(len(backorder), 1)
        self.assertEqual(backorder.fulfilment_rma_id, rma)
        self.assertEqual(rma.state, "approved")
        self.assertEqual(rma.line_ids.quantity_received, 1)
        with self.assertRaisesRegex(UserError, "cannot be cancelled"):
            rma.action_cancel()
        self._validate_picking(backorder)
        self.assertEqual(rma.state, "received")
        self.assertEqual(rma.line_ids.quantity_received, 2)

    def test_return_of_replacement_not_linked(self):
        """Returning a replacement delivery with Odoo's own wizard does not
        count as goods received for the first return."""
        order = self._create_delivered_order([(self.product, 1, 100.0)])
        rma = self._create_rma(order, {self.product: 1}, resolution="replace")
        rma.action_approve()
        self._receive(rma)
        rma.action_resolve()
        delivery = rma.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self._validate_picking(delivery)
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_model="stock.picking", active_id=delivery.id)
            .create({"picking_id": delivery.id})
        )
        wizard.product_return_moves.quantity = 1
        manual_return = wizard._create_return()
        self.assertFalse(manual_return.move_ids.fulfilment_rma_line_id)
        self._validate_picking(manual_return)
        self.assertEqual(rma.line_ids.quantity_received, 1)

    def test_links_between_documents(self):
        """Order, return, pickings and credit notes open each other."""
        order = self._create_delivered_order([(self.product, 1, 100.0)])
        rma = self._create_rma(order, {self.product: 1})
        rma.action_approve()
        receipt = self._receive(rma)
        rma.action_resolve()
        credit_note = rma.move_ids
        self.assertEqual(order.action_view_fulfilment_rmas()["res_id"], rma.id)
        self.assertEqual(rma.action_view_order()["res_id"], order.id)
        self.assertEqual(rma.action_view_return_pickings()["res_id"], receipt.id)
        self.assertEqual(rma.action_view_credit_notes()["res_id"], credit_note.id)
        self.assertEqual(receipt.action_view_fulfilment_rma()["res_id"], rma.id)
        self.assertEqual(credit_note.action_view_fulfilment_rma()["res_id"], rma.id)
        self.assertEqual(rma.credit_note_count, 1)
        self.assertEqual(rma.return_picking_count, 1)

    def test_fully_claimed_order_offers_no_return(self):
        """Once open returns claim every delivered unit, the order offers no
        further return."""
        order = self._create_delivered_order([(self.product, 2, 100.0)])
        self.assertTrue(order.fulfilment_can_return)
        self._create_rma(order, {self.product: 2})
        order.invalidate_recordset(["fulfilment_can_return"])
        self.assertFalse(order.fulfilment_can_return)
        self.assertFalse(order._fulfilment_get_returnable_lines())

    def test_salesman_without_returns_rights_opens_order(self):
        """A salesman outside the fulfilment groups still opens a delivered
        order: the return fields do not break the form."""
        salesman = new_test_user(
            self.env,
            login="plain_salesman",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads",
        )
        order = self._create_delivered_order([(self.product, 1, 100.0)])
        self._create_rma(order, {self.product: 1})
        views = order.with_user(salesman).get_views([(False, "form")])
        arch = views["views"]["form"]["arch"]
        self.assertNotIn("action_view_fulfilment_rmas", arch)
        values = order.with_user(salesman).web_read({"fulfilment_can_return": {}})
        self.assertFalse(values[0]["fulfilment_can_return"])

import base64
import io
from unittest.mock import patch

from PyPDF2 import PdfFileReader

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.sql_db import Savepoint
from odoo.tests import new_test_user, tagged

from .common import FulfilmentCommon


class CompletionCommon(FulfilmentCommon):
    """Orders ready or delivered, and what completing them leaves behind.

    Refusals are asserted with ``assertRaisesRegex``, which (unlike Odoo's
    ``assertRaises``) rolls nothing back: they prove the checks write nothing.
    Failures in the middle of a completion use ``assertRaises``, whose rollback
    stands for the rollback of the request.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shipping_product = cls.env["product.product"].create(
            {"name": "Shipping", "type": "service", "list_price": 15.0}
        )
        cls.fixed_carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Own van",
                "delivery_type": "fixed",
                "fixed_price": 15.0,
                "product_id": cls.shipping_product.id,
            }
        )
        cls.AccountMove = cls.registry["account.move"]

    def _ready_order(self, carrier=None, **values):
        """A confirmed order whose delivery has every quantity reserved."""
        order = self._create_order(
            carrier_id=(carrier or self.fixed_carrier).id, **values
        )
        order.action_confirm()
        order.picking_ids.action_assign()
        self.assertEqual(order.picking_ids.state, "assigned")
        return order

    def _delivered_order(self, carrier=None, **values):
        order = self._ready_order(carrier=carrier, **values)
        self.assertIs(self._deliver(order), True)
        self.assertEqual(order.picking_ids.state, "done")
        return order

    def _attachments(self, order):
        return self.env["ir.attachment"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
        )

    def _completion_messages(self, order):
        return order.message_ids.filtered(
            lambda message: message.message_type == "comment" and message.attachment_ids
        )

    def _assert_untouched(self, order, status, picking_state):
        """Nothing of a completion is left: no invoice, document, e-mail, status."""
        order.invalidate_recordset()
        self.assertFalse(order.fulfilment_completed_date)
        self.assertEqual(order.fulfilment_status_id, status)
        self.assertFalse(order.invoice_ids)
        self.assertFalse(
            self.env["account.move"].search([("invoice_origin", "=", order.name)])
        )
        self.assertFalse(self._attachments(order))
        self.assertFalse(self._completion_messages(order))
        self.assertFalse(
            self.env["mail.mail"].search(
                [
                    ("model", "=", "sale.order"),
                    ("res_id", "=", order.id),
                    ("recipient_ids", "in", order.partner_id.ids),
                ]
            )
        )
        self.assertEqual(set(order.picking_ids.mapped("state")), {picking_state})

    def _post_failing_for(self, orders):
        """Posting an invoice of ``orders`` goes through, then fails."""
        original = self.AccountMove._post

        def _post(moves, soft=True):
            posted = original(moves, soft=soft)
            if moves.invoice_line_ids.sale_line_ids.order_id & orders:
                raise UserError(moves.env._("The tax authority refused the invoice."))
            return posted

        return patch.object(self.AccountMove, "_post", _post)


@tagged("post_install", "-at_install")
class TestOrderCompletion(CompletionCommon):
    def test_complete_delivered_order(self):
        """A delivered order: transport document and posted invoice attached to the
        order, the e-mail sent to the customer with both, status "completed"."""
        order = self._delivered_order()
        picking = order.picking_ids
        action = order.action_fulfilment_complete()
        self.assertEqual(action["params"]["type"], "success")

        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertTrue(invoice.invoice_pdf_report_id)

        attachments = self._attachments(order)
        self.assertEqual(
            sorted(attachments.mapped("description")),
            sorted([f"account.move,{invoice.id}", f"stock.picking,{picking.id}"]),
        )
        slip = attachments.filtered(
            lambda a: a.description == f"stock.picking,{picking.id}"
        )
        self.assertIn(picking.name, slip.raw.decode())  # HTML in test databases
        invoice_document = attachments - slip
        self.assertEqual(invoice_document.raw, invoice.invoice_pdf_report_id.raw)

        message = self._completion_messages(order)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.attachment_ids, attachments)
        self.assertIn(self.customer, message.partner_ids)
        self.assertIn(order.name, message.subject)
        mail = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertIn(self.customer, mail.recipient_ids)
        self.assertEqual(mail.attachment_ids, attachments)

        self.assertEqual(order.fulfilment_status_id, self.status_completed)
        self.assertTrue(order.fulfilment_completed_date)
        self.assertEqual(
            order.fulfilment_status_history_ids.sorted("id")[-1].event, "completed"
        )

    def test_invoice_filled_from_order_and_customer(self):
        """The invoice takes the order's invoice address, fiscal position, payment
        terms, lines and taxes; its payment reference is set on posting."""
        tax = self.env["account.tax"].create(
            {"name": "VAT 19%", "amount": 19.0, "type_tax_use": "sale"}
        )
        billing = self.env["res.partner"].create(
            {
                "name": "Ana Client (billing)",
                "type": "invoice",
                "parent_id": self.customer.id,
                "street": "Bd. Unirii 1",
                "city": "București",
                "zip": "030167",
                "country_id": self.env.ref("base.ro").id,
            }
        )
        fiscal_position = self.env["account.fiscal.position"].create(
            {"name": "Domestic"}
        )
        terms = self.env.ref("account.account_payment_term_30days")
        order = self._create_order(
            carrier_id=self.fixed_carrier.id,
            partner_invoice_id=billing.id,
            fiscal_position_id=fiscal_position.id,
            payment_term_id=terms.id,
            quantity=2,
        )
        order.order_line.tax_id = tax
        order.action_confirm()
        self._deliver(order)
        order.action_fulfilment_complete()
        invoice = order.invoice_ids
        self.assertEqual(invoice.partner_id, billing)
        self.assertEqual(invoice.partner_shipping_id, order.partner_shipping_id)
        self.assertEqual(invoice.fiscal_position_id, fiscal_position)
        self.assertEqual(invoice.invoice_payment_term_id, terms)
        self.assertEqual(invoice.invoice_origin, order.name)
        self.assertEqual(invoice.payment_reference, invoice.name)
        line = invoice.invoice_line_ids
        self.assertEqual(line.product_id, self.product)
        self.assertEqual(line.quantity, 2)
        self.assertEqual(line.tax_ids, tax)
        self.assertEqual(line.sale_line_ids, order.order_line)
        self.assertAlmostEqual(invoice.amount_untaxed, 200.0)
        self.assertAlmostEqual(invoice.amount_total, 238.0)
        self.assertEqual(order.invoice_status, "invoiced")

    def test_ready_order_is_delivered_then_invoiced_by_delivered_quantity(self):
        """A ready order: the delivery is validated in full without a backorder,
        then invoiced on the delivered quantities (invoice policy "delivery")."""
        self.product.invoice_policy = "delivery"
        order = self._ready_order(quantity=3)
        picking = order.picking_ids
        self.assertEqual(order.invoice_status, "no")
        order.action_fulfilment_complete()
        self.assertEqual(picking.state, "done")
        self.assertFalse(picking.backorder_ids)
        self.assertEqual(order.order_line.qty_delivered, 3)
        self.assertEqual(order.invoice_ids.invoice_line_ids.quantity, 3)
        self.assertEqual(order.invoice_ids.state, "posted")
        self.assertEqual(order.fulfilment_status_id, self.status_completed)

    def test_real_pdfs(self):
        """With wkhtmltopdf, the delivery slip and the invoice are real PDFs."""
        order = self._delivered_order()
        order.with_context(force_report_rendering=True).action_fulfilment_complete()
        attachments = self._attachments(order)
        self.assertEqual(len(attachments), 2)
        for attachment in attachments:
            self.assertEqual(attachment.mimetype, "application/pdf")
            self.assertTrue(attachment.raw.startswith(b"%PDF-"), attachment.name)
            self.assertGreaterEqual(
                PdfFileReader(io.BytesIO(attachment.raw)).getNumPages(), 1
            )
        self.assertTrue(
            order.invoice_ids.invoice_pdf_report_id.raw.startswith(b"%PDF-")
        )

    def test_completion_sends_transport_invoice_and_warranty_certificates(self):
        """With a warranty on the product, completing a ready order delivers it,
        issues one certificate per unit and attaches and e-mails the three
        documents: delivery slip, invoice and certificates."""
        self.product.write(
            {"fulfilment_warranty_months": 24, "fulfilment_warranty_type": "legal"}
        )
        order = self._ready_order(quantity=2)
        order.action_fulfilment_complete()
        certificates = order.fulfilment_warranty_ids
        self.assertEqual(len(certificates), 2)
        self.assertEqual(set(certificates.mapped("state")), {"active"})
        attachments = self._attachments(order)
        self.assertEqual(len(attachments), 3)
        certificate_document = attachments.filtered(
            lambda a: a.description == f"sale.order,{order.id}"
        )
        content = certificate_document.raw.decode()  # HTML in test databases
        for certificate in certificates:
            self.assertIn(certificate.name, content)
        message = self._completion_messages(order)
        self.assertEqual(message.attachment_ids, attachments)
        self.assertEqual(order.fulfilment_status_id, self.status_completed)

    def test_rollback_removes_warranty_certificates(self):
        """When the invoice cannot be posted, the certificates issued by the
        delivery validated during the completion are undone too."""
        self.product.write({"fulfilment_warranty_months": 24})
        order = self._ready_order()
        with self._post_failing_for(order), self.assertRaises(UserError):
            order.action_fulfilment_complete()
        self.assertFalse(order.fulfilment_warranty_ids)
        self.assertFalse(
            self.env["fulfilment.warranty"].search([("order_id", "=", order.id)])
        )
        self.assertFalse(self._attachments(order))

    def test_rollback_when_invoice_cannot_be_posted(self):
        """Posting the invoice fails: the delivery validation, the invoice, the
        documents, the e-mail and the status change are all undone."""
        order = self._ready_order()
        status = order.fulfilment_status_id
        # The request's transaction is rolled back on the error, as Odoo does.
        with self._post_failing_for(order), self.assertRaises(UserError) as caught:
            order.action_fulfilment_complete()
        self.assertIn("tax authority", caught.exception.args[0])
        self._assert_untouched(order, status, "assigned")
        # Once the invoice can be posted the same order completes.
        order.action_fulfilment_complete()
        self.assertEqual(order.fulfilment_status_id, self.status_completed)

    def test_refused_without_delivery_address(self):
        """An incomplete delivery address refuses the completion, naming what is
        missing, and changes nothing."""
        nowhere = self.env["res.partner"].create(
            {"name": "No Address", "email": "no.address@example.com"}
        )
        order = self._ready_order(partner=nowhere)
        status = order.fulfilment_status_id
        with self.assertRaisesRegex(UserError, "incomplete: street, city, country"):
            order.action_fulfilment_complete()
        self._assert_untouched(order, status, "assigned")

    def test_refused_when_loss_blocked(self):
        """An order held by the loss guard is refused until a manager approves."""
        order = self._ready_order()
        order.sudo().loss_blocked = True
        status = order.fulfilment_status_id
        with self.assertRaisesRegex(UserError, "loss guard"):
            order.action_fulfilment_complete()
        self._assert_untouched(order, status, "assigned")

    def test_refused_at_a_loss(self):
        """An order that would be completed at a loss is refused by the loss guard."""
        self.company.fulfilment_loss_guard = True
        order = self._ready_order(price=10.0)
        self.assertLess(order.profit_net, 0)
        status = order.fulfilment_status_id
        with self.assertRaisesRegex(UserError, "would be completed with a net profit"):
            order.action_fulfilment_complete()
        self._assert_untouched(order, status, "assigned")

    def test_refused_when_nothing_delivered_or_ready(self):
        """An order whose goods are not in stock has nothing delivered or ready."""
        gadget = self.env["product.product"].create(
            {"name": "Out of stock", "type": "consu", "is_storable": True}
        )
        order = self._create_order(carrier_id=self.fixed_carrier.id)
        order.order_line.product_id = gadget
        order.action_confirm()
        order.picking_ids.action_assign()
        status = order.fulfilment_status_id
        with self.assertRaisesRegex(UserError, "Nothing is delivered or ready"):
            order.action_fulfilment_complete()
        self._assert_untouched(order, status, "confirmed")

    def test_refused_without_customer_email_or_twice(self):
        """A customer without e-mail is refused; a completed order is not
        completed a second time."""
        order = self._delivered_order()
        self.customer.email = False
        with self.assertRaisesRegex(UserError, "has no e-mail address"):
            order.action_fulfilment_complete()
        self.assertFalse(order.invoice_ids)
        self.customer.email = "ana.client@example.com"
        order.action_fulfilment_complete()
        with self.assertRaisesRegex(UserError, "already completed"):
            order.action_fulfilment_complete()
        self.assertEqual(len(order.invoice_ids), 1)
        self.assertEqual(len(self._completion_messages(order)), 1)

    def test_refused_when_cancelled(self):
        """A cancelled order cannot be completed."""
        order = self._create_order(carrier_id=self.fixed_carrier.id)
        order.action_confirm()
        order._action_cancel()
        with self.assertRaisesRegex(UserError, "cancelled"):
            order.action_fulfilment_complete()

    def test_bulk_completes_good_orders_and_reports_refused(self):
        """The list action completes the good orders, reports the refused ones with
        their reason, and leaves no order half-completed."""
        self.company.fulfilment_loss_guard = True
        delivered = self._delivered_order()
        ready = self._ready_order()
        failing = self._ready_order()
        at_loss = self._ready_order(price=10.0)
        statuses = {order: order.fulfilment_status_id for order in (failing, at_loss)}
        orders = delivered | ready | failing | at_loss
        with self._post_failing_for(failing):
            action = orders.action_fulfilment_complete()
        result = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual((result.success_count, result.refused_count), (2, 2))
        refused = result.line_ids.filtered(lambda line: not line.success)
        self.assertEqual(refused.order_id, failing | at_loss)
        messages = {line.order_id: line.message for line in refused}
        self.assertIn("tax authority", messages[failing])
        self.assertIn("net profit", messages[at_loss])
        for order in delivered | ready:
            self.assertEqual(order.fulfilment_status_id, self.status_completed)
            self.assertEqual(order.invoice_ids.state, "posted")
            self.assertEqual(len(self._attachments(order)), 2)
        for order, status in statuses.items():
            # The validation of the ready delivery is undone with the rest.
            self._assert_untouched(order, status, "assigned")
        # The loss guard's block is kept and the managers are asked to approve.
        self.assertTrue(at_loss.loss_blocked)
        self.assertTrue(at_loss.activity_ids)
        action = result.action_refused_button()
        self.assertEqual(action["domain"], [("id", "in", (failing | at_loss).ids)])

    def test_documents_hook_adds_documents(self):
        """Documents added by an extension of ``_fulfilment_completion_documents``
        are attached and e-mailed with the others."""
        order = self._delivered_order()
        SaleOrder = self.registry["sale.order"]
        original = SaleOrder._fulfilment_completion_documents

        def with_certificate(orders):
            return original(orders) + [
                {
                    "name": "Certificate.pdf",
                    "mimetype": "application/pdf",
                    "raw": b"%PDF-1.4 certificate",
                    "res_model": "product.product",
                    "res_id": self.product.id,
                }
            ]

        with patch.object(
            SaleOrder, "_fulfilment_completion_documents", with_certificate
        ):
            order.action_fulfilment_complete()
        certificate = self._attachments(order).filtered(
            lambda a: a.name == "Certificate.pdf"
        )
        self.assertEqual(certificate.raw, b"%PDF-1.4 certificate")
        self.assertIn(certificate, self._completion_messages(order).attachment_ids)

    def test_operator_completes_order(self):
        """A fulfilment operator (no accounting rights) completes an order; a
        salesperson without the fulfilment group may not."""
        order = self._ready_order(user_id=self.operator.id)
        salesperson = new_test_user(
            self.env,
            login="plain_salesperson",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads",
        )
        with self.assertRaises(AccessError):
            order.with_user(salesperson).action_fulfilment_complete()
        order.with_user(self.operator).action_fulfilment_complete()
        self.assertEqual(order.fulfilment_status_id, self.status_completed)
        self.assertEqual(order.invoice_ids.state, "posted")
        message = self._completion_messages(order)
        self.assertEqual(message.author_id, self.operator.partner_id)

    def test_manual_invoice_still_works(self):
        """A customer invoice made by hand, with no order, is created and posted
        as in Odoo, and completing an order of that customer leaves it alone."""
        manual = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Consulting", "quantity": 2, "price_unit": 50.0}
                    )
                ],
            }
        )
        draft = manual.copy()
        manual.action_post()
        self.assertEqual(manual.state, "posted")
        self.assertAlmostEqual(manual.amount_untaxed, 100.0)
        self.assertFalse(manual.invoice_line_ids.sale_line_ids)
        order = self._delivered_order()
        order.action_fulfilment_complete()
        self.assertNotIn(manual, order.invoice_ids)
        self.assertEqual(draft.state, "draft")
        self.assertFalse(
            self._attachments(order).filtered(
                lambda a: a.description in (f"account.move,{manual.id}",)
            )
        )


@tagged("post_install", "-at_install")
class TestOrderCompletionCourier(CompletionCommon):
    """Completion of orders shipped by a courier integration (fake FAN Courier)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The shipment attempts are written through their own cursor; in tests
        # that cursor shares the test transaction.
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.courier = cls._create_fan_carrier(
            name="FAN test", product_id=cls.shipping_product.id
        )
        cls.customer.state_id = cls.env.ref("base.RO_B")

    def setUp(self):
        super().setUp()
        self.fake.reset()

    def test_courier_order_gets_awb_and_label(self):
        """A ready courier order without AWB: delivery validated, AWB created at
        the courier, its label attached to the delivery and to the order."""
        order = self._ready_order(carrier=self.courier)
        picking = order.picking_ids
        order.action_fulfilment_complete()
        self.assertEqual(picking.state, "done")
        self.assertEqual(list(self.fake.shipments), [picking.carrier_tracking_ref])
        label = picking.fulfilment_label_id
        self.assertTrue(label.raw.startswith(b"%PDF-"))
        transport = self._attachments(order).filtered(
            lambda a: a.description == f"stock.picking,{picking.id}"
        )
        self.assertEqual(transport.raw, label.raw)
        self.assertIn(picking.carrier_tracking_ref, transport.name)
        self.assertEqual(order.invoice_ids.state, "posted")
        self.assertEqual(order.fulfilment_status_id, self.status_completed)
        message = self._completion_messages(order)
        self.assertIn(transport, message.attachment_ids)
        self.assertIn(picking.carrier_tracking_ref, message.body)

    def test_courier_orders_completed_together_get_one_awb_each(self):
        """Courier orders completed together: their deliveries validated and
        invoices posted together, then one AWB per delivery, each label
        attached to its own order."""
        orders = self._ready_order(carrier=self.courier) | self._ready_order(
            carrier=self.courier
        )
        action = orders.action_fulfilment_complete()
        result = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual((result.success_count, result.refused_count), (2, 0))
        pickings = orders.picking_ids
        self.assertEqual(set(pickings.mapped("state")), {"done"})
        self.assertEqual(
            set(self.fake.shipments), set(pickings.mapped("carrier_tracking_ref"))
        )
        self.assertEqual(len(self.fake.shipments), 2)
        for order in orders:
            self.assertEqual(order.invoice_ids.state, "posted")
            self.assertEqual(order.fulfilment_status_id, self.status_completed)
            transport = self._attachments(order).filtered(
                lambda a, order=order: (
                    a.description == f"stock.picking,{order.picking_ids.id}"
                )
            )
            self.assertEqual(transport.raw, order.picking_ids.fulfilment_label_id.raw)

    def test_courier_not_called_when_invoice_fails(self):
        """The courier is called only after the invoice is posted: a posting
        failure creates no AWB and leaves the order as it was."""
        order = self._ready_order(carrier=self.courier)
        status = order.fulfilment_status_id
        with self._post_failing_for(order), self.assertRaises(UserError):
            order.action_fulfilment_complete()
        self.assertFalse(self.fake.shipments)
        self.assertFalse(self.fake.requests_to("intern-awb"))
        self._assert_untouched(order, status, "assigned")
        self.assertFalse(order.picking_ids.carrier_tracking_ref)

    def test_shipment_on_validation_waits_for_the_invoice(self):
        """A carrier that creates the AWB when the delivery is validated ("Get Rate
        and Create Shipment") is still called only after the invoice is posted."""
        self.courier.integration_level = "rate_and_ship"
        self.warehouse.out_type_id.print_label = True
        order = self._ready_order(carrier=self.courier)
        with self._post_failing_for(order), self.assertRaises(UserError):
            order.action_fulfilment_complete()
        self.assertFalse(self.fake.requests_to("intern-awb"))
        order.action_fulfilment_complete()
        self.assertEqual(len(self.fake.shipments), 1)
        self.assertEqual(
            order.picking_ids.carrier_tracking_ref, next(iter(self.fake.shipments))
        )

    def test_failure_after_awb_retry_adopts_it(self):
        """A step after the AWB fails: everything is rolled back but the shipment
        attempt, kept in its own transaction; completing again adopts the AWB
        instead of creating a second one."""
        order = self._ready_order(carrier=self.courier)
        picking = order.picking_ids
        SaleOrder = self.registry["sale.order"]

        def broken(orders):
            raise UserError(orders.env._("The document store is offline."))

        self.env.flush_all()
        savepoint = Savepoint(self.env.cr)
        with patch.object(SaleOrder, "_fulfilment_completion_documents", broken):
            try:
                order.action_fulfilment_complete()
            except UserError as exc:
                self.assertIn("document store", exc.args[0])
            else:
                self.fail("The completion did not fail.")
        self.assertEqual(len(self.fake.shipments), 1)
        attempt = self.env["fulfilment.shipment.attempt"].search(
            [("picking_id", "=", picking.id)]
        )
        kept = attempt.read(
            ["carrier_id", "idempotency_key", "state", "awb", "attempted_at"]
        )[0]
        self.assertEqual(kept["state"], "sent")
        # In production the attempt's own transaction was committed while the
        # completion's was rolled back; the test shares one transaction, so
        # undo the completion and restore what the attempt's commit kept.
        self.env.cr.clear()
        savepoint.close(rollback=True)
        self.env.invalidate_all(flush=False)
        self.env["fulfilment.shipment.attempt"]._write_detached(
            picking.id,
            {
                "carrier_id": kept["carrier_id"][0],
                "idempotency_key": kept["idempotency_key"],
                "state": "sent",
                "awb": kept["awb"],
                "attempted_at": kept["attempted_at"],
            },
        )
        self.assertEqual(picking.state, "assigned")
        self.assertFalse(picking.carrier_tracking_ref)
        self.assertFalse(order.invoice_ids)

        order.action_fulfilment_complete()
        self.assertEqual(len(self.fake.shipments), 1)
        self.assertEqual(picking.carrier_tracking_ref, kept["awb"])
        self.assertEqual(order.fulfilment_status_id, self.status_completed)

    def test_courier_refusal_rolls_back(self):
        """The courier refuses the shipment: the validation and the invoice are
        undone and the courier's reason is shown."""
        order = self._ready_order(carrier=self.courier)
        status = order.fulfilment_status_id
        self.fake.fail_next("error_in_200")
        with self.assertRaises(UserError) as caught:
            order.action_fulfilment_complete()
        self.assertIn(self.courier.name, caught.exception.args[0])
        self.assertFalse(self.fake.shipments)
        self._assert_untouched(order, status, "assigned")

    def test_existing_awb_is_kept(self):
        """A courier delivery already sent keeps its AWB (no second call to the
        courier) and its label is the order's transport document."""
        order = self._ready_order(carrier=self.courier)
        picking = order.picking_ids
        picking.action_fulfilment_send_to_courier()
        awb = picking.carrier_tracking_ref
        requests = len(self.fake.requests_to("intern-awb"))
        order.action_fulfilment_complete()
        self.assertEqual(picking.carrier_tracking_ref, awb)
        self.assertEqual(len(self.fake.requests_to("intern-awb")), requests)
        self.assertEqual(len(self.fake.shipments), 1)
        self.assertEqual(
            self._attachments(order)
            .filtered(lambda a: a.description == f"stock.picking,{picking.id}")
            .raw,
            base64.b64decode(picking.fulfilment_label_id.datas),
        )


@tagged("post_install", "-at_install")
class TestOrderCompletionQueue(CompletionCommon):
    """Complete Orders on more orders than a request should hold: queued for
    the background job, which completes them in batches, each on its own."""

    def _ready_orders(self, count):
        """``count`` confirmed orders whose deliveries are ready."""
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": self.customer.id,
                    "carrier_id": self.fixed_carrier.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": 1,
                                "price_unit": 100.0,
                                "tax_id": False,
                            }
                        )
                    ],
                }
                for _index in range(count)
            ]
        )
        orders.action_confirm()
        orders.picking_ids.action_assign()
        self.assertEqual(set(orders.picking_ids.mapped("state")), {"assigned"})
        return orders

    def _run_job(self, limit=None):
        """One run of the background job as the scheduler runs it; returns
        its progress (done, remaining)."""
        cron = self.env.ref("order_fulfilment.ir_cron_fulfilment_complete_queued")
        cron, progress = cron._add_progress()
        SaleOrder = cron.env["sale.order"]
        if limit:
            SaleOrder._cron_fulfilment_complete_queued(limit=limit)
        else:
            SaleOrder._cron_fulfilment_complete_queued()
        return progress.done, progress.remaining

    def _assert_completed(self, orders):
        for order in orders:
            self.assertEqual(order.fulfilment_status_id, self.status_completed)
            self.assertTrue(order.fulfilment_completed_date)
            self.assertEqual(order.invoice_ids.state, "posted")
            self.assertTrue(order.invoice_ids.invoice_pdf_report_id)
            self.assertEqual(len(self._attachments(order)), 2)
            self.assertTrue(self._completion_messages(order))

    def _bus_messages(self, since):
        # Bus notifications are stored when the transaction commits.
        self.env.cr.precommit.run()
        return (
            self.env["bus.bus"]
            .sudo()
            .search([("id", ">", since)], order="id")
            .mapped("message")
        )

    def test_more_than_twenty_orders_are_queued_then_completed_by_the_job(self):
        """Complete Orders on 21 orders completes none in the request: it
        queues them, says so and where to follow them; the job completes them
        in batches, reports its progress to the scheduler and tells the user."""
        orders = self._ready_orders(21)
        # A scheduler runs: no job has been waiting for long.
        self.env["ir.cron.trigger"].search([]).unlink()
        action = orders.with_user(self.operator).action_fulfilment_complete()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "info")
        self.assertIn("21 orders", action["params"]["message"])
        self.assertIn("Queued for Completion", action["params"]["message"])
        orders.invalidate_recordset()
        self.assertTrue(all(orders.mapped("fulfilment_completion_queued")))
        self.assertEqual(orders.fulfilment_completion_queued_by_id, self.operator)
        self.assertFalse(any(orders.mapped("fulfilment_completed_date")))
        self.assertFalse(orders.invoice_ids)
        trigger = self.env["ir.cron.trigger"].search(
            [
                (
                    "cron_id",
                    "=",
                    self.env.ref(
                        "order_fulfilment.ir_cron_fulfilment_complete_queued"
                    ).id,
                )
            ]
        )
        self.assertTrue(trigger)

        before = self.env["bus.bus"].sudo().search([], order="id desc", limit=1).id
        self.assertEqual(self._run_job(limit=15), (15, 6))
        self._assert_completed(orders[:15])
        self.assertFalse(orders[15:].invoice_ids)
        self.assertTrue(all(orders[15:].mapped("fulfilment_completion_queued")))
        self.assertEqual(self._run_job(limit=15), (6, 0))
        self._assert_completed(orders)
        self.assertFalse(any(orders.mapped("fulfilment_completion_queued")))
        # Completed as the operator who queued them.
        history = orders[0].fulfilment_status_history_ids.filtered(
            lambda line: line.status_to_id == self.status_completed
        )
        self.assertEqual(history.user_id, self.operator)
        notices = [
            message
            for message in self._bus_messages(before or 0)
            if "Order completion" in message
        ]
        self.assertEqual(len(notices), 2)
        self.assertIn("6 still queued", notices[0])
        self.assertIn("15 completed, 0 refused", notices[0])
        self.assertIn("Order completion done", notices[1])

    def test_failing_order_does_not_roll_back_the_others(self):
        """In a background batch, an order whose invoice cannot be posted is
        refused alone: the others are completed, it is left as it was with
        the reason in its chatter, and the user is told."""
        orders = self._ready_orders(3)
        failing = orders[1]
        status = failing.fulfilment_status_id
        orders.with_user(self.operator)._fulfilment_queue_completion()
        before = self.env["bus.bus"].sudo().search([], order="id desc", limit=1).id
        with self._post_failing_for(failing):
            self.assertEqual(self._run_job(), (3, 0))
        self._assert_completed(orders - failing)
        self._assert_untouched(failing, status, "assigned")
        self.assertFalse(failing.fulfilment_completion_queued)
        notes = failing.message_ids.filtered(
            lambda message: "background completion refused" in (message.body or "")
        )
        self.assertIn("tax authority", notes.body)
        (notice,) = [
            message
            for message in self._bus_messages(before or 0)
            if "Order completion" in message
        ]
        self.assertIn("2 completed, 1 refused", notice)
        self.assertIn(failing.name, notice)

    def test_order_refused_while_finishing_does_not_keep_the_others_half_done(self):
        """An order refused after its delivery and invoice (its documents
        cannot be made) is left as it was, while the other orders of its
        batch are completed."""
        orders = self._ready_orders(3)
        failing = orders[0]
        status = failing.fulfilment_status_id
        SaleOrder = self.registry["sale.order"]
        original = SaleOrder._fulfilment_completion_documents

        def documents(order):
            if order == failing:
                raise UserError(order.env._("The certificate service is down."))
            return original(order)

        with patch.object(SaleOrder, "_fulfilment_completion_documents", documents):
            action = orders.action_fulfilment_complete()
        result = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual((result.success_count, result.refused_count), (2, 1))
        refused = result.line_ids.filtered(lambda line: not line.success)
        self.assertEqual(refused.order_id, failing)
        self.assertIn("certificate service", refused.message)
        self._assert_completed(orders - failing)
        self._assert_untouched(failing, status, "assigned")

    def test_twenty_orders_are_completed_in_the_request(self):
        """Up to 20 orders, Complete Orders completes them at once and shows
        the result window; nothing is queued."""
        orders = self._ready_orders(20)
        action = orders.action_fulfilment_complete()
        self.assertEqual(action["res_model"], "fulfilment.batch.result")
        result = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual((result.success_count, result.refused_count), (20, 0))
        self._assert_completed(orders)
        self.assertFalse(any(orders.mapped("fulfilment_completion_queued")))

    def test_batch_renders_its_invoices_together(self):
        """The invoice PDFs of a batch are rendered in one report call for all
        its invoices, not one call per order."""
        orders = self._ready_orders(3)
        Report = self.registry["ir.actions.report"]
        original = Report._pre_render_qweb_pdf
        calls = []

        def pre_render(report, report_ref, res_ids=None, data=None):
            if report._is_invoice_report(report_ref):
                calls.append(list(res_ids))
            return original(report, report_ref, res_ids=res_ids, data=data)

        with patch.object(Report, "_pre_render_qweb_pdf", pre_render):
            orders.action_fulfilment_complete()
        self._assert_completed(orders)
        self.assertEqual(
            [sorted(ids) for ids in calls], [sorted(orders.invoice_ids.ids)]
        )

    def test_batch_is_delivered_and_invoiced_together(self):
        """The orders of a batch have their deliveries validated in one go and
        their invoices created in one go and posted together: still one
        invoice per order, never two orders on one invoice."""
        orders = self._ready_orders(3)
        SaleOrder = self.registry["sale.order"]
        Picking = self.registry["stock.picking"]
        Move = self.registry["account.move"]
        create_invoices = SaleOrder._create_invoices
        action_done = Picking._action_done
        action_post = Move.action_post
        calls = {"invoiced": [], "validated": [], "posted": []}

        def invoice(batch, *args, **kwargs):
            calls["invoiced"].append(batch.ids)
            return create_invoices(batch, *args, **kwargs)

        def validate(pickings, *args, **kwargs):
            if pickings:
                calls["validated"].append(pickings.ids)
            return action_done(pickings, *args, **kwargs)

        def post(moves, *args, **kwargs):
            calls["posted"].append(moves.ids)
            return action_post(moves, *args, **kwargs)

        with (
            patch.object(SaleOrder, "_create_invoices", invoice),
            patch.object(Picking, "_action_done", validate),
            patch.object(Move, "action_post", post),
        ):
            orders.action_fulfilment_complete()
        self._assert_completed(orders)
        self.assertEqual(calls["invoiced"], [orders.ids])
        self.assertEqual(calls["validated"], [orders.picking_ids.ids])
        self.assertEqual(
            [sorted(ids) for ids in calls["posted"]], [sorted(orders.invoice_ids.ids)]
        )
        for order in orders:
            self.assertEqual(len(order.invoice_ids), 1)
            self.assertEqual(
                order.invoice_ids.invoice_line_ids.sale_line_ids.order_id, order
            )

    def test_failing_delivery_in_a_batch_leaves_the_others_completed(self):
        """When one order's delivery cannot be validated, the batch is
        prepared again order by order: the others are completed, the failing
        one is left untouched and its reason reported."""
        orders = self._ready_orders(3)
        failing = orders[1]
        status = failing.fulfilment_status_id
        Picking = self.registry["stock.picking"]
        action_done = Picking._action_done

        def validate(pickings, *args, **kwargs):
            if pickings & failing.picking_ids:
                raise UserError(pickings.env._("The loading dock is closed."))
            return action_done(pickings, *args, **kwargs)

        with patch.object(Picking, "_action_done", validate):
            action = orders.action_fulfilment_complete()
        result = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual((result.success_count, result.refused_count), (2, 1))
        refused = result.line_ids.filtered(lambda line: not line.success)
        self.assertEqual(refused.order_id, failing)
        self.assertIn("loading dock", refused.message)
        self._assert_completed(orders - failing)
        self._assert_untouched(failing, status, "assigned")

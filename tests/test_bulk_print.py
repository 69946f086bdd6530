"""Bulk printing: one PDF whatever the wkhtmltopdf build, in the selection's
order, in the background above a threshold, logged per order."""

import io
import subprocess
import tempfile
from pathlib import Path

from PIL import Image
from pypdf import PdfReader, PdfWriter
from pyzbar.pyzbar import decode

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.order_fulfilment.models.ir_actions_report import (
    _keep_only_child,
    merge_pdfs,
)

from .common import PickingScannerCommon
from .rma_common import FulfilmentRmaCommon

MM = 72 / 25.4


def page_barcodes(pdf, resolution=203):
    """Rasterise ``pdf`` with pdftoppm; the barcodes read on each page, as
    (symbology, value) pairs."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "document.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(resolution),
                str(path),
                str(Path(tmp) / "p"),
            ],
            check=True,
            timeout=300,
        )
        return [
            [(symbol.type, symbol.data.decode()) for symbol in decode(Image.open(png))]
            for png in sorted(Path(tmp).glob("p*.png"))
        ]


def page_text(page):
    """The text of a PDF page, words separated by single spaces (wkhtmltopdf
    places each word on its own)."""
    return " ".join(page.extract_text().split())


class BulkPrintCommon(FulfilmentRmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.barcode = "5940000000011"
        cls.Report = cls.env["ir.actions.report"].with_context(
            force_report_rendering=True
        )

    @classmethod
    def _confirmed_orders(cls, count):
        orders = cls.env["sale.order"]
        for _index in range(count):
            orders |= cls._create_order()
        orders.action_confirm()
        return orders

    def _pdf_content(self, report, records):
        """Render ``report`` for ``records`` (in their order) with wkhtmltopdf."""
        content, report_type = self.Report._render_qweb_pdf(report, records.ids)
        self.assertEqual(report_type, "pdf")
        self.assertTrue(content.startswith(b"%PDF-"))
        return content

    def _pdf(self, report, records):
        return PdfReader(io.BytesIO(self._pdf_content(report, records)))

    def _wizard(self, orders, user=None, **values):
        env = self.env(user=user) if user else self.env
        return (
            env["fulfilment.bulk.print"]
            .with_context(active_model="sale.order", active_ids=orders.ids)
            .create(values)
        )

    def _print_action(self, action):
        """What the browser downloads for a report action: the report of the
        action's records, in the action's order."""
        self.assertEqual(action["type"], "ir.actions.report")
        report = self.env["ir.actions.report"]._get_report_from_name(
            action["report_name"]
        )
        records = self.env[report.model].browse(action["context"]["active_ids"])
        return records, self._pdf(report, records)


@tagged("post_install", "-at_install")
class TestBulkPrintA4(BulkPrintCommon):
    def test_quotations_of_30_orders_one_pdf_in_selection_order(self):
        """Print Documents… on 30 orders (Odoo's own quotation report, which
        this machine's wkhtmltopdf cannot lay out in one run) gives one PDF,
        a page per order, in the order they were selected: each page is the
        order's document as printed alone."""
        orders = self._confirmed_orders(30)
        selection = orders.browse(list(reversed(orders.ids)))
        wizard = self._wizard(selection, document="order", paper="a4")
        self.assertEqual(wizard.document_count, 30)
        records, pdf = self._print_action(wizard.action_print())
        self.assertEqual(records.ids, selection.ids)
        self.assertEqual(len(pdf.pages), 30)
        for position in (0, 14, 29):
            alone = self._pdf("sale.action_report_saleorder", selection[position])
            self.assertEqual(
                pdf.pages[position].get_contents().get_data(),
                alone.pages[0].get_contents().get_data(),
                f"page {position + 1} is not {selection[position].name}",
            )

    def test_delivery_slips_of_30_deliveries_one_pdf(self):
        """The delivery slips of 30 orders' deliveries print as one PDF with a
        page each, in the orders' selection order."""
        orders = self._confirmed_orders(30)
        selection = orders.browse(list(reversed(orders.ids)))
        wizard = self._wizard(selection, document="delivery_slip", paper="a4")
        records, pdf = self._print_action(wizard.action_print())
        self.assertEqual([picking.sale_id.id for picking in records], selection.ids)
        self.assertEqual(len(pdf.pages), 30)
        for position in (0, 29):
            alone = self._pdf("stock.action_report_delivery", records[position])
            self.assertEqual(
                pdf.pages[position].get_contents().get_data(),
                alone.pages[0].get_contents().get_data(),
            )

    def test_pick_lists_pages_in_selection_order(self):
        """Odoo's A4 pick lists (Print > Picking Operations) of several
        deliveries: one PDF whose pages carry the deliveries' barcodes in the
        selection's order."""
        orders = self._confirmed_orders(6)
        pickings = orders.picking_ids
        selection = pickings.browse([pickings.ids[i] for i in (3, 0, 5, 1, 4, 2)])
        content = self._pdf_content("stock.action_report_picking", selection)
        names = [
            [value for symbology, value in page if symbology == "CODE128"]
            for page in page_barcodes(content, resolution=150)
        ]
        self.assertEqual(names, [[picking.name] for picking in selection])

    def test_each_record_keeps_its_own_pdf(self):
        """Odoo's Send & Print of several invoices takes each invoice's own PDF
        out of one rendering: each record keeps its own pages, also when a
        document runs over several pages."""
        long_order = self._create_order()
        long_order.order_line = [
            (0, 0, {"product_id": self.product_b.id, "name": f"Line {number}"})
            for number in range(45)
        ]
        orders = long_order | self._create_order()
        orders.action_confirm()
        invoices = orders._create_invoices(grouped=True)
        invoices.action_post()
        self.assertEqual(len(invoices), 2)
        content, report_type = self.Report._pre_render_qweb_pdf(
            "account.account_invoices", res_ids=invoices.ids
        )
        self.assertEqual(report_type, "pdf")
        by_invoice = self.Report._get_splitted_report(
            "account.account_invoices", content, report_type
        )
        self.assertEqual(list(by_invoice), invoices.ids)
        pages = [len(PdfReader(io.BytesIO(pdf)).pages) for pdf in by_invoice.values()]
        self.assertGreater(pages[0], 1)
        self.assertEqual(pages[1], 1)

    def test_several_documents_of_one_run_are_merged(self):
        """wkhtmltopdf given several documents at once returns one PDF with
        all of them, whatever the build."""
        bodies = [
            f"<html><body><h1>Document {number}</h1></body></html>"
            for number in (1, 2, 3)
        ]
        pdf = self.Report._run_wkhtmltopdf(
            bodies, report_ref="sale.action_report_saleorder"
        )
        self.assertEqual(len(PdfReader(io.BytesIO(pdf)).pages), 3)

    def test_each_run_keeps_its_own_header_and_footer(self):
        """Rendering records one per run keeps each record's own header (and
        so its page numbering), not the first record's."""
        html = (
            "<!DOCTYPE html><html><body><div id='minimal_layout_report_headers'>"
            "<div class='header'>A</div><div class='header'>B</div>"
            "<div class='header'>C</div></div></body></html>"
        )
        kept = _keep_only_child(html, "minimal_layout_report_headers", 1)
        self.assertIn(">B<", kept)
        self.assertNotIn(">A<", kept)
        self.assertNotIn(">C<", kept)
        self.assertEqual(_keep_only_child("", "minimal_layout_report_headers", 1), "")


@tagged("post_install", "-at_install")
class TestBulkPrintWizard(BulkPrintCommon):
    def test_thermal_receipts_in_selection_order(self):
        """80 mm order receipts of several orders: one PDF, a receipt per
        order in the selection's order, each 80 mm wide."""
        orders = self._confirmed_orders(4)
        selection = orders.browse([orders.ids[i] for i in (2, 0, 3, 1)])
        wizard = self._wizard(selection, document="order", paper="thermal")
        records, pdf = self._print_action(wizard.action_print())
        self.assertEqual(records.ids, selection.ids)
        self.assertEqual(len(pdf.pages), 4)
        for page, order in zip(pdf.pages, selection, strict=True):
            self.assertAlmostEqual(float(page.mediabox.width), 80 * MM, places=1)
            text = page_text(page)
            self.assertIn(order.name, text)
            for other in selection - order:
                self.assertNotIn(other.name, text)

    def test_paper_follows_company_choice(self):
        """The wizard proposes the 80 mm version of the documents the company
        prints on 80 mm, and A4 for the others."""
        self.company.fulfilment_thermal_order = True
        orders = self._confirmed_orders(1)
        wizard = self._wizard(orders, document="order")
        self.assertEqual(wizard.paper, "thermal")
        self.assertEqual(
            wizard._get_report(),
            self.env.ref("order_fulfilment.action_report_fulfilment_order_receipt"),
        )
        wizard.document = "invoice"
        self.assertEqual(wizard.paper, "a4")
        self.assertEqual(wizard._get_report(), self.env.ref("account.account_invoices"))

    def test_orders_without_the_document(self):
        """Orders without the chosen document are counted as left out; when
        none has it the print is refused with a clear message."""
        orders = self._confirmed_orders(2)
        invoiced = orders[0]
        invoice = invoiced._create_invoices()
        invoice.action_post()
        wizard = self._wizard(orders, document="invoice", paper="a4")
        self.assertEqual(wizard.document_count, 1)
        self.assertEqual(wizard.missing_count, 1)
        records, _pdf = self._print_action(wizard.action_print())
        self.assertEqual(records, invoice)
        with self.assertRaisesRegex(UserError, "None of the selected orders"):
            self._wizard(orders[1], document="invoice").action_print()

    def test_printing_is_logged_per_order(self):
        """Printing the delivery slips of several orders notes, in each order's
        chatter, the document and the delivery printed."""
        orders = self._confirmed_orders(3)
        wizard = self._wizard(orders, user=self.operator, document="delivery_slip")
        action = wizard.action_print()
        self.env["ir.actions.report"].with_user(self.operator)._render_qweb_pdf(
            action["report_name"], action["context"]["active_ids"]
        )
        for order in orders:
            message = order.message_ids[0]
            self.assertIn("Document printed: Delivery Slip", message.body)
            self.assertIn(order.picking_ids.name, message.body)
            self.assertEqual(message.author_id, self.operator.partner_id)

    def test_awb_labels_merged_in_order(self):
        """AWB labels print as the courier's own label PDFs, merged in the
        selection's order; a delivery without a label is named."""
        orders = self._confirmed_orders(2)
        sizes = {}
        for order, height in zip(orders, (150, 200), strict=True):
            writer = PdfWriter()
            writer.add_blank_page(width=100 * MM, height=height * MM)
            label = io.BytesIO()
            writer.write(label)
            picking = order.picking_ids
            picking.fulfilment_label_id = self.env["ir.attachment"].create(
                {
                    "name": f"AWB {picking.name}.pdf",
                    "raw": label.getvalue(),
                    "res_model": "stock.picking",
                    "res_id": picking.id,
                }
            )
            sizes[picking] = round(height * MM)
        selection = orders.browse(list(reversed(orders.ids)))
        wizard = self._wizard(selection, document="awb_label")
        records, pdf = self._print_action(wizard.action_print())
        self.assertEqual(
            [round(float(page.mediabox.height)) for page in pdf.pages],
            [sizes[picking] for picking in records],
        )
        self.assertEqual([picking.sale_id.id for picking in records], selection.ids)
        without = self._confirmed_orders(1).picking_ids
        with self.assertRaisesRegex(UserError, without.name):
            self.Report._render_qweb_pdf(
                "order_fulfilment.action_report_fulfilment_awb_label",
                (records | without).ids,
            )

    def test_merge_keeps_order(self):
        """Merged PDFs keep the documents' order and pages."""
        documents = []
        for height in (100, 120, 140):
            writer = PdfWriter()
            writer.add_blank_page(width=200, height=height)
            writer.add_blank_page(width=200, height=height + 1)
            content = io.BytesIO()
            writer.write(content)
            documents.append(content.getvalue())
        merged = PdfReader(io.BytesIO(merge_pdfs(documents)))
        self.assertEqual(
            [round(float(page.mediabox.height)) for page in merged.pages],
            [100, 101, 120, 121, 140, 141],
        )


@tagged("post_install", "-at_install")
class TestBackgroundPrint(BulkPrintCommon):
    def test_over_threshold_queues_and_the_scheduler_posts_the_pdf(self):
        """Above the threshold the wizard queues the print instead of
        rendering it; the scheduler renders it in batches, as the user who
        asked, and posts one PDF (in the selection's order) to that user."""
        self.env["ir.config_parameter"].set_param(
            "order_fulfilment.bulk_print_background_threshold", "2"
        )
        orders = self._confirmed_orders(3)
        selection = orders.browse(list(reversed(orders.ids)))
        wizard = self._wizard(
            selection, user=self.operator, document="order", paper="thermal"
        )
        self.assertTrue(wizard.background)
        action = wizard.action_print()
        self.assertEqual(action["tag"], "display_notification")
        job = self.env["fulfilment.print.job"].search(
            [("user_id", "=", self.operator.id)]
        )
        self.assertEqual(len(job), 1)
        self.assertEqual(job.state, "queued")
        self.assertEqual(job._get_res_ids(), selection.ids)
        self.assertFalse(job.attachment_id)

        Job = self.env["fulfilment.print.job"].with_context(force_report_rendering=True)
        Job._cron_render(batch_size=2)
        self.assertEqual((job.state, job.done_count), ("queued", 2))
        Job._cron_render(batch_size=2)
        self.assertEqual((job.state, job.done_count), ("done", 3))
        self.assertFalse(job.part_ids)

        pdf = PdfReader(io.BytesIO(job.attachment_id.raw))
        self.assertEqual(
            [
                [order.name for order in selection if order.name in page_text(page)]
                for page in pdf.pages
            ],
            [[order.name] for order in selection],
        )
        message = job.message_ids.filtered(lambda m: m.attachment_ids)
        self.assertEqual(message.attachment_ids, job.attachment_id)
        self.assertIn(self.operator.partner_id, message.notification_ids.res_partner_id)
        # The operator sees their own prints only.
        self.assertEqual(
            self.env["fulfilment.print.job"].with_user(self.operator).search([]), job
        )
        for order in orders:
            self.assertIn("Document printed", order.message_ids[0].body)

    def test_failed_print_is_reported(self):
        """A print that cannot be rendered fails with its reason, told to the
        user; it is not retried forever."""
        self.env["ir.config_parameter"].set_param(
            "order_fulfilment.bulk_print_background_threshold", "0"
        )
        orders = self._confirmed_orders(1)
        wizard = self._wizard(orders, user=self.operator, document="order")
        wizard.action_print()
        job = self.env["fulfilment.print.job"].search(
            [("user_id", "=", self.operator.id)]
        )
        job.report_id.report_name = "order_fulfilment.no_such_template"
        self.env["fulfilment.print.job"].with_context(
            force_report_rendering=True
        )._cron_render()
        self.assertEqual(job.state, "failed")
        self.assertTrue(job.error)
        self.assertIn("failed", job.message_ids[0].body)
        self.assertIn(self.operator.partner_id, job.message_ids[0].partner_ids)


@tagged("post_install", "-at_install")
class TestPickingScreenSlip(PickingScannerCommon, HttpCase):
    def test_picking_screen_prints_the_company_choice(self):
        """The picking screen's slip is the A4 delivery slip, or the 80 mm
        packing slip once the company chose it."""
        _order, picking = self._create_delivery({self.product: 1})
        self.authenticate("fulfilment_picker", "fulfilment_picker")
        url = f"/fulfilment/picking/{picking.id}/delivery_slip"
        # Under tests Odoo renders reports as HTML instead of calling wkhtmltopdf.
        a4 = self.url_open(url)
        self.assertEqual(a4.status_code, 200)
        self.assertIn(picking.name, a4.text)
        self.assertNotIn("o_fulfilment_thermal", a4.text)
        self.company.fulfilment_thermal_delivery_slip = True
        thermal = self.url_open(url)
        self.assertEqual(thermal.status_code, 200)
        self.assertIn("o_fulfilment_thermal", thermal.text)
        self.assertIn("Packing Slip", thermal.text)
        self.assertIn(picking.name, thermal.text)

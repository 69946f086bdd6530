"""80 mm thermal documents: 80 mm wide, as long as their content, real text,
barcodes that scan at the printer's 203 dpi."""

import io
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader

from odoo.tests import tagged

from odoo.addons.order_fulfilment.models.ir_actions_report import page_content_bottom

from .test_bulk_print import BulkPrintCommon, page_barcodes, page_text

MM = 72 / 25.4


@tagged("post_install", "-at_install")
class TestThermalDocuments(BulkPrintCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_b.barcode = "5940000000059"
        cls.paperformat = cls.env.ref("order_fulfilment.paperformat_thermal_80mm")

    def _check_thermal(self, report, records):
        """Render ``report`` on 80 mm; check its pages and return the PDF's
        bytes, its reader and the barcodes read on each page at 203 dpi."""
        content = self._pdf_content(report, records)
        pdf = PdfReader(io.BytesIO(content))
        for page in pdf.pages:
            self.assertAlmostEqual(float(page.mediabox.width), 226.77, places=1)
            height = float(page.mediabox.height)
            # As long as the content, not the 1 m the paper format allows.
            self.assertGreater(height, 60 * MM)
            self.assertLess(height, 400 * MM)
            # Cut a few millimetres below the last line.
            below = page_content_bottom(page) - float(page.mediabox.bottom)
            self.assertLessEqual(
                below, (self.paperformat.margin_bottom + 1) * MM, f"{below / MM} mm"
            )
            self.assertGreaterEqual(below, (self.paperformat.margin_bottom - 1) * MM)
        return content, pdf, page_barcodes(content, resolution=203)

    def test_pdfinfo_reports_80_mm(self):
        """pdfinfo (poppler) reads the receipt's page as 80 mm wide."""
        order = self._confirmed_orders(1)
        content = self._pdf_content(
            "order_fulfilment.action_report_fulfilment_order_receipt", order
        )
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "receipt.pdf"
            path.write_bytes(content)
            info = subprocess.run(
                ["pdfinfo", str(path)],
                capture_output=True,
                text=True,
                check=True,
                timeout=60,
            ).stdout
        size_line = next(
            line for line in info.splitlines() if line.startswith("Page size")
        )
        width = float(size_line.split(":")[1].split("x")[0])
        self.assertAlmostEqual(width, 226.77, places=1)

    def test_order_receipt(self):
        """The order receipt: shop, order, customer, lines, total and the
        order's barcode, on one 80 mm page."""
        order = self._create_order(quantity=2, price=49.5)
        order.action_confirm()
        _content, pdf, barcodes = self._check_thermal(
            "order_fulfilment.action_report_fulfilment_order_receipt", order
        )
        self.assertEqual(len(pdf.pages), 1)
        text = page_text(pdf.pages[0])
        for expected in (order.name, "Ana Client", "Wireless Earbuds", "99.00"):
            self.assertIn(expected, text)
        self.assertIn(self.company.name, text)
        self.assertEqual(barcodes, [[("CODE128", order.name)]])

    def test_packing_slip_barcodes(self):
        """The packing slip carries the delivery's barcode and each product's
        barcode, all readable at 203 dpi, and the address it goes to."""
        order = self._create_order()
        order.order_line = [
            (0, 0, {"product_id": self.product_b.id, "product_uom_qty": 2})
        ]
        order.action_confirm()
        picking = order.picking_ids
        _content, pdf, barcodes = self._check_thermal(
            "order_fulfilment.action_report_fulfilment_packing_slip", picking
        )
        self.assertEqual(
            sorted(barcodes[0]),
            sorted(
                [
                    ("CODE128", picking.name),
                    ("EAN13", self.product.barcode),
                    ("EAN13", self.product_b.barcode),
                ]
            ),
        )
        text = page_text(pdf.pages[0])
        for expected in ("Packing Slip", "Str. Victoriei 12", "Phone Case", order.name):
            self.assertIn(expected, text)

    def test_pick_list_in_location_order(self):
        """The 80 mm pick list lists the lines by location, with the
        delivery's and the products' barcodes."""
        shelf = self.env["stock.location"].create(
            {"name": "A-01", "location_id": self.stock_location.id}
        )
        self.env["stock.quant"]._update_available_quantity(self.product_b, shelf, 5)
        self.env["stock.quant"]._update_available_quantity(
            self.product_b, self.stock_location, -50
        )
        order = self._create_order(quantity=3)
        order.order_line = [
            (0, 0, {"product_id": self.product_b.id, "product_uom_qty": 2})
        ]
        order.action_confirm()
        picking = order.picking_ids
        lines = picking._fulfilment_pick_list_lines()
        # "WH/Stock" comes before "WH/Stock/A-01" on the walk.
        self.assertEqual(
            [(line["location"], line["product"], line["quantity"]) for line in lines],
            [(self.stock_location, self.product, 3), (shelf, self.product_b, 2)],
        )
        _content, pdf, barcodes = self._check_thermal(
            "order_fulfilment.action_report_fulfilment_pick_list_thermal", picking
        )
        self.assertIn(("CODE128", picking.name), barcodes[0])
        self.assertIn(("EAN13", self.product_b.barcode), barcodes[0])
        self.assertIn("A-01", page_text(pdf.pages[0]))

    def test_invoice_receipt(self):
        """The invoice receipt names the invoice, the shop's VAT number and
        the total, with the invoice number as a barcode."""
        self.company.vat = "RO1234567"
        order = self._confirmed_orders(1)
        invoice = order._create_invoices()
        invoice.action_post()
        _content, pdf, barcodes = self._check_thermal(
            "order_fulfilment.action_report_fulfilment_invoice_receipt", invoice
        )
        text = page_text(pdf.pages[0])
        for expected in (invoice.name, "RO1234567", "Total", order.name):
            self.assertIn(expected, text)
        self.assertEqual(barcodes, [[("CODE128", invoice.name)]])

    def test_return_label(self):
        """The return label tells where to send the parcel, lists the items
        and carries the return's barcode."""
        order = self._create_delivered_order([(self.product, 2, 100.0)])
        rma = self._create_rma(order, {self.product: 1})
        _content, pdf, barcodes = self._check_thermal(
            "order_fulfilment.action_report_fulfilment_rma_thermal", rma
        )
        text = page_text(pdf.pages[0])
        for expected in (
            rma.name,
            order.name,
            "Send the parcel to",
            "Wireless Earbuds",
        ):
            self.assertIn(expected, text)
        self.assertIn(("CODE128", rma.name), barcodes[0])

import io
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

from PIL import Image
from pyzbar.pyzbar import decode as decode_qr

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .warranty_common import FulfilmentWarrantyCommon


def _decode_png(png_bytes):
    return [
        symbol.data.decode()
        for symbol in decode_qr(Image.open(io.BytesIO(png_bytes)))
        if symbol.type == "QRCODE"
    ]


def _pdf_pages_qr_codes(pdf, resolution=100):
    """Render ``pdf`` to PNG pages with pdftoppm; the QR codes read on each page."""
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
            timeout=60,
        )
        return [
            _decode_png(page.read_bytes()) for page in sorted(Path(tmp).glob("p*.png"))
        ]


@tagged("post_install", "-at_install")
class TestWarrantyCertificatePdf(FulfilmentWarrantyCommon):
    def test_qr_png_decodes_to_verification_url(self):
        """The QR code image encodes the certificate's own verification URL,
        with its random token."""
        warranty = self._create_warranty()
        url = warranty._get_verification_url()
        token = warranty.sudo().verification_token
        self.assertTrue(url.endswith(f"/warranty/verify/{token}"))
        self.assertGreaterEqual(len(token), 30)
        self.assertEqual(_decode_png(warranty._get_qr_code_png()), [url])
        other = self._create_warranty()
        self.assertNotEqual(other.sudo().verification_token, token)

    def test_pdf_qr_scans_to_verification_url(self):
        """The printed certificate (wkhtmltopdf) shows the product, serial,
        dates, shop and customer, and its QR code, rasterised by pdftoppm,
        scans back to the verification URL."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        order = self._create_delivered_order([(self.phone, 1, 900.0)])
        warranty = order.fulfilment_warranty_ids
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        html = report._render_qweb_html(
            "order_fulfilment.action_report_fulfilment_warranty", warranty.ids
        )[0].decode()
        for text in (
            warranty.name,
            warranty.lot_id.name,
            "Smartphone X1",
            "Str. Victoriei 12",
            "ana.client@example.com",
            self.env.company.name,
            "Electronics terms: defects covered.",
        ):
            self.assertIn(text, html)
        # In the customer's language: French dates.
        self.assertIn(warranty.date_end.strftime("%d/%m/%Y"), html)

        pdf = report._render_qweb_pdf(
            "order_fulfilment.action_report_fulfilment_warranty", warranty.ids
        )[0]
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertEqual(
            _pdf_pages_qr_codes(pdf, resolution=150),
            [[warranty._get_verification_url()]],
        )

    def test_several_certificates_one_pdf(self):
        """Printing several certificates gives one PDF with a page each."""
        order = self._create_delivered_order([(self.product, 2, 100.0)])
        pdf = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "order_fulfilment.action_report_fulfilment_warranty",
                order.fulfilment_warranty_ids.ids,
            )[0]
        )
        pages = _pdf_pages_qr_codes(pdf)
        self.assertEqual(len(pages), 2)
        self.assertEqual(
            {url for urls in pages for url in urls},
            {w._get_verification_url() for w in order.fulfilment_warranty_ids},
        )

    def test_order_certificates_one_document(self):
        """The order's certificates print as one document: a page and a QR
        code each, in the certificates' order."""
        order = self._create_delivered_order([(self.product, 3, 100.0)])
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        pdf, report_type = report._render_qweb_pdf(
            "order_fulfilment.action_report_fulfilment_order_warranty", order.ids
        )
        self.assertEqual(report_type, "pdf")
        pages = _pdf_pages_qr_codes(pdf)
        self.assertEqual(len(pages), 3)
        self.assertEqual(
            [set(urls) for urls in pages],
            [
                {w._get_verification_url()}
                for w in order.fulfilment_warranty_ids.sorted("id")
            ],
        )

    def test_order_without_certificate_refused(self):
        """Printing the certificates of an order that has no active one says so."""
        order = self._create_delivered_order([(self.product, 1, 100.0)])
        order.fulfilment_warranty_ids.write({"state": "void"})
        with self.assertRaisesRegex(UserError, "no active warranty certificate"):
            self.env["ir.actions.report"]._render_qweb_pdf(
                "order_fulfilment.action_report_fulfilment_order_warranty", order.ids
            )


@tagged("post_install", "-at_install")
class TestWarrantyVerificationPage(FulfilmentWarrantyCommon, HttpCase):
    def _verify(self, warranty):
        return self.url_open(f"/warranty/verify/{warranty.sudo().verification_token}")

    def test_valid_certificate(self):
        """A valid certificate's page says valid and shows the unit, never
        the customer's address, e-mail, phone or name."""
        order = self._create_delivered_order([(self.phone, 1, 900.0)])
        warranty = order.fulfilment_warranty_ids
        response = self._verify(warranty)
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_warranty_verify_valid", response.text)
        self.assertIn(warranty.name, response.text)
        self.assertIn("Smartphone X1", response.text)
        self.assertIn(warranty.lot_id.name, response.text)
        self.assertEqual(response.headers.get("X-Robots-Tag"), "noindex, nofollow")
        for private in (
            "Victoriei",
            "010061",
            "ana.client@example.com",
            "721 000 111",
            "Ana Client",
            order.name,
        ):
            self.assertNotIn(private, response.text)

    def test_expired_certificate(self):
        """A certificate past its end shows as expired, even before the
        nightly job marks it."""
        warranty = self._create_warranty()
        warranty.write(
            {
                "date_start": fields.Date.today() - timedelta(days=800),
                "date_end": fields.Date.today() - timedelta(days=70),
            }
        )
        self.assertEqual(warranty.state, "active")
        response = self._verify(warranty)
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_warranty_verify_expired", response.text)
        self.assertNotIn("o_warranty_verify_valid", response.text)

    def test_void_certificate(self):
        """A voided certificate shows as void."""
        warranty = self._create_warranty()
        warranty.with_user(self.manager).action_void()
        response = self._verify(warranty)
        self.assertIn("o_warranty_verify_void", response.text)

    def test_unknown_token(self):
        """An unknown token answers 404 with the "unknown" message."""
        self._create_warranty()
        response = self.url_open("/warranty/verify/not-a-real-token-0000000000")
        self.assertEqual(response.status_code, 404)
        self.assertIn("o_warranty_verify_unknown", response.text)
        self.assertNotIn("o_warranty_verify_valid", response.text)

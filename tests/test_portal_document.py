from odoo import fields
from odoo.tests import tagged

from .warranty_common import FulfilmentWarrantyCommon


@tagged("post_install", "-at_install")
class TestPortalDocument(FulfilmentWarrantyCommon):
    """What returns, certificates and claims share as numbered portal documents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._create_delivered_order([(cls.product, 2, 100.0)])
        cls.warranty = cls.order.fulfilment_warranty_ids[0]
        cls.claim = cls.env["fulfilment.warranty.claim"].create(
            {"warranty_id": cls.warranty.id, "description": "No sound."}
        )

    def test_portal_pages(self):
        """Each document opens its own portal page."""
        rma = self._create_rma(self.order, {self.product: 1})
        self.assertEqual(rma.access_url, f"/my/returns/{rma.id}")
        self.assertEqual(
            self.warranty.access_url, f"/my/warranty/certificate/{self.warranty.id}"
        )
        self.assertEqual(self.claim.access_url, f"/my/warranty/claim/{self.claim.id}")

    def test_redirect_keeps_the_token_of_a_visitor(self):
        """After creating a document, a visitor who came with a token is sent to
        the page with the document's own token; a logged-in customer to the
        plain page."""
        self.assertEqual(self.claim._get_portal_redirect_url(), self.claim.access_url)
        url = self.claim._get_portal_redirect_url(access_token="order-token")
        self.assertTrue(url.startswith(f"{self.claim.access_url}?"))
        self.assertIn(f"access_token={self.claim.access_token}", url)
        self.assertNotIn("order-token", url)

    def test_pdf_named_after_type_and_number(self):
        """The PDF is named after the document's type and number, without
        slashes."""
        rma = self._create_rma(self.order, {self.product: 1})
        self.assertIn("/", rma.name)
        self.assertEqual(
            rma._get_report_base_filename(), "Return " + rma.name.replace("/", "-")
        )
        self.assertEqual(
            self.warranty._get_report_base_filename(),
            "Warranty " + self.warranty.name.replace("/", "-"),
        )

    def test_state_label_for_customer(self):
        """The state is shown with its label; a certificate past its end reads
        expired before the nightly job marks it."""
        rma = self._create_rma(self.order, {self.product: 1})
        self.assertEqual(rma._get_portal_state_label(), "Requested")
        self.assertEqual(self.claim._get_portal_state_label(), "Received")
        self.warranty.date_end = fields.Date.today().replace(year=2000)
        self.assertEqual(self.warranty.state, "active")
        self.assertEqual(self.warranty._get_portal_state_label(), "Expired")

    def test_number_from_the_document_company_sequence(self):
        """Documents are numbered by their company's sequence; a claim by the
        sequence of its certificate's company, whoever creates it."""
        other = self.env["res.company"].create({"name": "Second Shop"})
        Sequence = self.env["ir.sequence"]
        for code, prefix in (
            ("fulfilment.warranty", "W2/"),
            ("fulfilment.warranty.claim", "C2/"),
        ):
            Sequence.create(
                {
                    "name": code,
                    "code": code,
                    "prefix": prefix,
                    "padding": 4,
                    "company_id": other.id,
                }
            )
        warranty = self.env["fulfilment.warranty"].create(
            {
                "company_id": other.id,
                "partner_id": self.customer.id,
                "product_id": self.product.id,
                "months": 24,
                "date_start": fields.Date.today(),
            }
        )
        self.assertEqual(warranty.name, "W2/0001")
        self.assertNotEqual(self.env.company, other)
        claim = self.env["fulfilment.warranty.claim"].create(
            {"warranty_id": warranty.id, "description": "Cracked screen."}
        )
        self.assertEqual(claim.name, "C2/0001")
        self.assertFalse(self.claim.name.startswith("C2/"))

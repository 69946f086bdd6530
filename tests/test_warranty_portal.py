import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .warranty_common import FulfilmentWarrantyCommon


@tagged("post_install", "-at_install")
class TestWarrantyPortal(FulfilmentWarrantyCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_portal_users("portal_ana_w", "portal_bob_w")
        cls.order = cls._create_delivered_order([(cls.phone, 1, 900.0)])
        cls.warranty = cls.order.fulfilment_warranty_ids

    def _csrf_token(self, html):
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def _claim(self):
        return self.env["fulfilment.warranty.claim"].create(
            {"warranty_id": self.warranty.id, "description": "Screen flickers."}
        )

    def test_customer_sees_certificates_and_claims(self):
        """/my/warranty lists the customer's certificates (with the PDF) and
        claims; the certificate page and PDF open; the home counts them."""
        claim = self._claim()
        self.authenticate("portal_ana_w", "portal_ana_w")
        listing = self.url_open("/my/warranty")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(self.warranty.name, listing.text)
        self.assertIn(self.warranty.lot_id.name, listing.text)
        self.assertIn(claim.name, listing.text)
        self.assertIn(f"/my/warranty/certificate/{self.warranty.id}", listing.text)

        page = self.url_open(f"/my/warranty/certificate/{self.warranty.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Open a service claim", page.text)
        html = self.url_open(
            f"/my/warranty/certificate/{self.warranty.id}?report_type=html"
        )
        self.assertEqual(html.status_code, 200)
        self.assertIn(self.warranty.name, html.text)

        claim_page = self.url_open(f"/my/warranty/claim/{claim.id}")
        self.assertEqual(claim_page.status_code, 200)
        self.assertIn("Screen flickers.", claim_page.text)

        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["warranty_count", "warranty_claim_count"]}
        )
        self.assertEqual(counters["warranty_count"], 1)
        self.assertEqual(counters["warranty_claim_count"], 1)
        home = self.url_open("/my/home")
        self.assertIn("/my/warranty", home.text)

    def test_other_portal_user_refused(self):
        """Another customer gets 404 on the certificate, its PDF and the
        claim, sees nothing of them in their list, and cannot open a claim
        on the certificate."""
        claim = self._claim()
        self.authenticate("portal_bob_w", "portal_bob_w")
        for url in (
            f"/my/warranty/certificate/{self.warranty.id}",
            f"/my/warranty/certificate/{self.warranty.id}?report_type=pdf",
            f"/my/warranty/claim/{claim.id}",
            f"/my/warranty/certificate/{self.warranty.id}/claim",
        ):
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (403, 404), url)
            self.assertNotIn(b"%PDF", response.content)
            self.assertNotIn(self.warranty.name, response.text)
        listing = self.url_open("/my/warranty")
        self.assertNotIn(self.warranty.name, listing.text)
        self.assertNotIn(claim.name, listing.text)

        own_page = self.url_open("/my/account")
        posted = self.url_open(
            f"/my/warranty/certificate/{self.warranty.id}/claim",
            data={
                "csrf_token": self._csrf_token(own_page.text),
                "description": "Not mine",
            },
            allow_redirects=False,
        )
        self.assertIn(posted.status_code, (403, 404))
        self.assertEqual(self.warranty.claim_count, 1)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["warranty_count"]}
        )
        self.assertEqual(counters["warranty_count"], 0)

    def test_customer_opens_claim(self):
        """The customer opens a claim from a valid certificate (CSRF-protected
        form); it is received, theirs, and its page shows it."""
        self.authenticate("portal_ana_w", "portal_ana_w")
        form = self.url_open(f"/my/warranty/certificate/{self.warranty.id}/claim")
        self.assertEqual(form.status_code, 200)
        # Without the CSRF token the POST is refused.
        refused = self.url_open(
            f"/my/warranty/certificate/{self.warranty.id}/claim",
            data={"description": "No CSRF"},
            allow_redirects=False,
        )
        self.assertEqual(refused.status_code, 400)
        # An empty description is refused with a message.
        empty = self.url_open(
            f"/my/warranty/certificate/{self.warranty.id}/claim",
            data={"csrf_token": self._csrf_token(form.text), "description": " "},
        )
        self.assertIn("o_warranty_claim_error", empty.text)
        self.assertFalse(self.warranty.claim_ids)

        response = self.url_open(
            f"/my/warranty/certificate/{self.warranty.id}/claim",
            data={
                "csrf_token": self._csrf_token(form.text),
                "description": "Battery drains in two hours.",
            },
        )
        self.assertEqual(response.status_code, 200)
        claim = self.warranty.claim_ids
        self.assertEqual(len(claim), 1)
        self.assertEqual(claim.state, "received")
        self.assertEqual(claim.partner_id, self.customer)
        self.assertEqual(claim.description, "Battery drains in two hours.")
        self.assertIn(f"/my/warranty/claim/{claim.id}", response.url)
        self.assertIn(claim.name, response.text)
        self.assertIn("Received", response.text)

    def test_claim_refused_for_expired_certificate(self):
        """An expired certificate offers no claim button and a POST is
        refused with the reason; nothing is created."""
        self.warranty.write(
            {
                "date_start": fields.Date.today() - timedelta(days=800),
                "date_end": fields.Date.today() - timedelta(days=70),
            }
        )
        self.authenticate("portal_ana_w", "portal_ana_w")
        page = self.url_open(f"/my/warranty/certificate/{self.warranty.id}")
        self.assertNotIn("Open a service claim", page.text)
        form = self.url_open(f"/my/warranty/certificate/{self.warranty.id}/claim")
        self.assertIn("expired", form.text)
        self.assertNotIn("o_warranty_claim_form", form.text)
        account = self.url_open("/my/account")
        response = self.url_open(
            f"/my/warranty/certificate/{self.warranty.id}/claim",
            data={
                "csrf_token": self._csrf_token(account.text),
                "description": "Broken",
            },
        )
        self.assertIn("o_warranty_claim_error", response.text)
        self.assertFalse(self.warranty.claim_ids)

    def test_pdf_download(self):
        """The customer downloads the certificate PDF from the portal."""
        self.authenticate("portal_ana_w", "portal_ana_w")
        response = self.url_open(
            f"/my/warranty/certificate/{self.warranty.id}?report_type=pdf&download=true"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", response.headers["Content-Disposition"])

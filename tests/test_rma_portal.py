import re

from odoo.tests import HttpCase, tagged

from .rma_common import FulfilmentRmaCommon


@tagged("post_install", "-at_install")
class TestRmaPortal(FulfilmentRmaCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_portal_users()
        cls.order = cls._create_delivered_order(
            [(cls.product, 2, 100.0), (cls.product_b, 1, 30.0)]
        )

    def _csrf_token(self, html):
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def _post_request(self, order, quantities, **extra):
        page = self.url_open(f"/my/orders/{order.id}/return")
        self.assertEqual(page.status_code, 200)
        data = {
            "csrf_token": self._csrf_token(page.text),
            "reason": "defective",
            "requested_resolution": "replace",
            "description": "Left earbud is silent",
            **{
                f"quantity_{line.id}": quantities.get(line.product_id, 0)
                for line in order.order_line
            },
            **extra,
        }
        return self.url_open(
            f"/my/orders/{order.id}/return",
            data=data,
            files={"photo": ("earbud.png", b"\x89PNG\r\n\x1a\nfake", "image/png")},
        )

    def test_customer_requests_return(self):
        """The customer requests a return of a delivered order in the portal,
        then finds it in /my/returns with its status and document."""
        self.authenticate("portal_ana", "portal_ana")
        order_page = self.url_open(f"/my/orders/{self.order.id}")
        self.assertIn("Request a return", order_page.text)

        response = self._post_request(self.order, {self.product: 1})
        self.assertEqual(response.status_code, 200)
        rma = self.env["fulfilment.rma"].search([("order_id", "=", self.order.id)])
        self.assertEqual(len(rma), 1)
        self.assertEqual(rma.state, "requested")
        self.assertEqual(rma.partner_id, self.customer)
        self.assertEqual(rma.requested_resolution, "replace")
        self.assertEqual(rma.line_ids.product_id, self.product)
        self.assertEqual(rma.line_ids.quantity, 1)
        self.assertTrue(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "fulfilment.rma"), ("res_id", "=", rma.id)]
            )
        )
        self.assertIn(f"/my/returns/{rma.id}", response.url)
        self.assertIn(rma.name, response.text)
        self.assertIn("Requested", response.text)

        listing = self.url_open("/my/returns?sortby=name")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(rma.name, listing.text)
        home = self.url_open("/my/home")
        self.assertEqual(home.status_code, 200)

        rma.action_approve()
        detail = self.url_open(rma.get_portal_url())
        self.assertIn("Return document", detail.text)
        pdf = self.url_open(f"/my/returns/{rma.id}?report_type=html")
        self.assertIn("Send the parcel to", pdf.text)

    def test_customer_gives_reason_and_resolution_per_item(self):
        """In the portal each item may have its own reason and wish; an item
        left on "As below" takes the return's; the return page shows them."""
        self.authenticate("portal_ana", "portal_ana")
        earbuds, _other = self.order.order_line
        self._post_request(
            self.order,
            {self.product: 1, self.product_b: 1},
            **{
                f"reason_{earbuds.id}": "damaged",
                f"requested_resolution_{earbuds.id}": "refund",
            },
        )
        rma = self.env["fulfilment.rma"].search([("order_id", "=", self.order.id)])
        by_product = {line.product_id: line for line in rma.line_ids}
        self.assertEqual(
            (
                by_product[self.product].reason,
                by_product[self.product].requested_resolution,
            ),
            ("damaged", "refund"),
        )
        self.assertEqual(
            (
                by_product[self.product_b].reason,
                by_product[self.product_b].requested_resolution,
            ),
            ("defective", "replace"),
        )
        page = self.url_open(rma.get_portal_url())
        self.assertIn("Damaged in transport", page.text)
        self.assertIn("Refund", page.text)

    def test_portal_unknown_item_reason_refused(self):
        """A reason that is not in the list is refused and nothing is created."""
        self.authenticate("portal_ana", "portal_ana")
        earbuds = self.order.order_line[0]
        response = self._post_request(
            self.order, {self.product: 1}, **{f"reason_{earbuds.id}": "because"}
        )
        self.assertIn("Choose the reason of each item", response.text)
        self.assertFalse(
            self.env["fulfilment.rma"].search([("order_id", "=", self.order.id)])
        )

    def test_portal_over_quantity_refused(self):
        """Asking back more than was delivered shows an error and creates nothing."""
        self.authenticate("portal_ana", "portal_ana")
        response = self._post_request(self.order, {self.product: 5})
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_rma_error", response.text)
        self.assertFalse(
            self.env["fulfilment.rma"].search([("order_id", "=", self.order.id)])
        )

    def test_home_counter(self):
        """The portal home counts the customer's returns only."""
        self._create_rma(self.order, {self.product: 1})
        self.authenticate("portal_ana", "portal_ana")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["rma_count"]}
        )
        self.assertEqual(counters["rma_count"], 1)
        self.authenticate("portal_bob", "portal_bob")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["rma_count"]}
        )
        self.assertEqual(counters["rma_count"], 0)

    def test_other_portal_user_refused(self):
        """Another portal user can neither see the return nor request one on
        the order, and nothing of them leaks."""
        rma = self._create_rma(self.order, {self.product: 1})
        self.authenticate("portal_bob", "portal_bob")

        detail = self.url_open(f"/my/returns/{rma.id}", allow_redirects=False)
        self.assertIn(detail.status_code, (302, 303, 403, 404))
        self.assertNotIn(rma.name, detail.text)

        pdf = self.url_open(
            f"/my/returns/{rma.id}?report_type=pdf", allow_redirects=False
        )
        self.assertIn(pdf.status_code, (302, 303, 403, 404))
        self.assertNotIn(b"%PDF", pdf.content)

        listing = self.url_open("/my/returns")
        self.assertEqual(listing.status_code, 200)
        self.assertNotIn(rma.name, listing.text)
        self.assertNotIn("Wireless Earbuds", listing.text)

        form = self.url_open(
            f"/my/orders/{self.order.id}/return", allow_redirects=False
        )
        self.assertIn(form.status_code, (302, 303, 403, 404))
        self.assertNotIn("Wireless Earbuds", form.text)
        own_page = self.url_open("/my/account")
        posted = self.url_open(
            f"/my/orders/{self.order.id}/return",
            data={
                "csrf_token": self._csrf_token(own_page.text),
                "reason": "defective",
                "requested_resolution": "refund",
                f"quantity_{self.order.order_line[0].id}": 1,
            },
            allow_redirects=False,
        )
        self.assertIn(posted.status_code, (302, 303, 403, 404))
        self.assertEqual(
            self.env["fulfilment.rma"].search_count([("order_id", "=", self.order.id)]),
            1,
        )

    def test_access_token_opens_return(self):
        """The return's share link (access token) opens it without login."""
        rma = self._create_rma(self.order, {self.product: 1})
        response = self.url_open(rma.get_portal_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn(rma.name, response.text)
        wrong = self.url_open(
            f"/my/returns/{rma.id}?access_token=wrong", allow_redirects=False
        )
        self.assertIn(wrong.status_code, (302, 303, 403, 404))
        self.assertNotIn(rma.name, wrong.text)

    def test_portal_non_finite_quantities_refused(self):
        """nan, inf and 1e309 as quantities: 400 with the form and a message,
        nothing created."""
        self.authenticate("portal_ana", "portal_ana")
        earbuds = self.order.order_line[0]
        for value in ("nan", "inf", "-inf", "1e309", "NaN"):
            response = self._post_request(
                self.order, {}, **{f"quantity_{earbuds.id}": value}
            )
            self.assertEqual(response.status_code, 400, value)
            self.assertIn("Quantities must be numbers.", response.text, value)
        self.assertFalse(
            self.env["fulfilment.rma"].search([("order_id", "=", self.order.id)])
        )

    def test_portal_photo_too_large_refused(self):
        """A photo over 10 MB is refused with a message and nothing is created."""
        self.authenticate("portal_ana", "portal_ana")
        page = self.url_open(f"/my/orders/{self.order.id}/return")
        earbuds = self.order.order_line[0]
        response = self.url_open(
            f"/my/orders/{self.order.id}/return",
            data={
                "csrf_token": self._csrf_token(page.text),
                "reason": "defective",
                "requested_resolution": "replace",
                f"quantity_{earbuds.id}": 1,
            },
            files={
                "photo": (
                    "big.png",
                    b"\x89PNG" + b"0" * (10 * 1024 * 1024),
                    "image/png",
                )
            },
        )
        self.assertIn("The photo is too large", response.text)
        self.assertFalse(
            self.env["fulfilment.rma"].search([("order_id", "=", self.order.id)])
        )

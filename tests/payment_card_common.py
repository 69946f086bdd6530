"""Checkout through the shop's payment routes against a fake card processor."""

from odoo.fields import Command
from odoo.tests import HttpCase


class CardProcessorCase(HttpCase):
    """A RON web order paid through ``/shop/payment/transaction`` and polled back."""

    fake_class = None
    provider_code = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = cls.fake_class().start()
        cls.addClassCleanup(cls.fake.stop)
        cls.website = cls.env["website"].get_current_website()
        cls.ron = cls.env.ref("base.RON")
        cls.ron.active = True
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Lei", "currency_id": cls.ron.id, "website_id": cls.website.id}
        )
        cls.partner = cls.env["res.partner"].create(
            {
                "name": "Ioana Popescu",
                "email": "ioana@example.ro",
                "phone": "+40 721 000 111",
                "street": "Strada Lalelelor 3",
                "city": "Cluj-Napoca",
                "zip": "400001",
                "country_id": cls.env.ref("base.ro").id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Bike Fitting Session",
                "type": "service",
                "list_price": 150.0,
                "taxes_id": [Command.clear()],
                "sale_ok": True,
                "website_published": True,
            }
        )
        cls.card = cls.env.ref("payment.payment_method_card")
        cls.paid_status = cls.env["fulfilment.status"].search(
            [
                ("auto_event", "=", "paid"),
                ("company_id", "in", [False, cls.env.company.id]),
            ],
            limit=1,
        )

    def setUp(self):
        super().setUp()
        # The processor calls the shop back on this server.
        self.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", self.base_url()
        )
        self.env["ir.config_parameter"].sudo().set_param("web.base.url.freeze", True)

    def _create_order(self, price=150.0):
        return self.env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "pricelist_id": self.pricelist.id,
                "website_id": self.website.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "price_unit": price,
                        }
                    )
                ],
            }
        )

    def _checkout(self, order):
        """The customer pays with this provider; returns the transaction, form."""
        processing_values = self.make_jsonrpc_request(
            f"/shop/payment/transaction/{order.id}",
            {
                "access_token": order._portal_ensure_token(),
                "provider_id": self.provider.id,
                "payment_method_id": self.card.id,
                "token_id": None,
                "amount": order.amount_total,
                "flow": "redirect",
                "tokenization_requested": False,
                "landing_route": "/shop/payment/validate",
            },
        )
        tx = order.transaction_ids.filtered(lambda t: t.provider_id == self.provider)
        self.assertEqual(len(tx), 1)
        return tx, processing_values

    def _poll_status(self):
        """The status page's poll: it post-processes the done transaction."""
        return self.make_jsonrpc_request("/payment/status/poll", {})

    def _refresh(self, *records):
        self.env.invalidate_all()
        return records

from odoo import Command
from odoo.tests import new_test_user, tagged

from .checkout_common import ShopCheckoutCase
from .common import BrowserTourCase


@tagged("post_install", "-at_install")
class TestCheckoutTours(ShopCheckoutCase, BrowserTourCase):
    """The checkout's JavaScript in a browser: the payment fee and the
    person-or-company choice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = new_test_user(
            cls.env,
            login="cod_buyer",
            password="cod_buyer",
            name="Ioana Popescu",
            email="ioana@example.ro",
            groups="base.group_portal",
        )
        cls.buyer.partner_id.write(
            {
                "phone": "+40 721 000 111",
                "street": "Strada Lalelelor 3",
                "state_id": cls.county_cluj.id,
                "city_id": cls.cluj_napoca.id,
                "city": "Cluj-Napoca",
                "zip": "400001",
                "country_id": cls.romania.id,
                "property_product_pricelist": cls.pricelist.id,
            }
        )

    def _cart(self):
        """The buyer's cart: one machine, delivered by the collecting courier."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.buyer.partner_id.id,
                "website_id": self.website.id,
                "pricelist_id": self.pricelist.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 1}
                    )
                ],
            }
        )
        order._set_delivery_method(self.courier)
        return order

    def test_cash_on_delivery_fee_in_browser(self):
        """In the browser, picking cash on delivery shows its fee in the totals,
        the card drops it, and paying confirms the order with one fee line."""
        order = self._cart()
        self.start_tour(
            "/shop/checkout",
            "order_fulfilment_cash_on_delivery_checkout",
            login="cod_buyer",
        )
        self.env.invalidate_all()
        self.assertEqual(order.state, "sale")
        fee = order.order_line.filtered("is_payment_fee")
        self.assertEqual(len(fee), 1)
        self.assertAlmostEqual(fee.price_total, 12.20, places=2)
        self.assertEqual(order.transaction_ids.provider_id, self.cod_provider)
        self.assertEqual(order.transaction_ids.state, "pending")

    def test_company_fields_in_browser(self):
        """In the browser, a visitor buying as "a company" gives no person's
        name but the company's; a wrong CUI is refused on the form, a good one
        saved on a company partner, invoiced for the order."""
        self.start_tour("/shop", "order_fulfilment_company_checkout")
        company = self.env["res.partner"].search([("vat", "=", "RO18547290")])
        self.assertEqual(len(company), 1)
        self.assertTrue(company.is_company)
        self.assertEqual(company.name, "Acme Distributie SRL")
        self.assertEqual(company.company_registry, "J12/345/2015")
        order = self.env["sale.order"].search([("partner_invoice_id", "=", company.id)])
        goods = order.order_line.filtered(lambda line: not line.is_delivery)
        self.assertEqual(goods.product_id, self.product)

"""A web shop checkout walked through Odoo's real /shop routes, as a browser does."""

import re

from odoo import Command
from odoo.tests import HttpCase

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class ShopCheckoutCase(HttpCase):
    """A RON shop with a courier that collects cash on delivery, a locker that
    does not, the cash-on-delivery provider with its fee, and a card provider."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].get_current_website()
        cls.company = cls.website.company_id
        # Prices shown with VAT, as Romanian shops show them to consumers.
        cls.website.show_line_subtotals_tax_selection = "tax_included"
        cls.ron = cls.env.ref("base.RON")
        cls.ron.active = True
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Lei", "currency_id": cls.ron.id, "website_id": cls.website.id}
        )
        cls.romania = cls.env.ref("base.ro")
        # Addresses in Romania are given as the shop's form asks them: county,
        # locality from the nomenclature, street name and number apart.
        cls.county_cluj = cls.env.ref("base.RO_CJ")
        cls.cluj_napoca = cls.env["res.city"].search(
            [("name", "=", "Cluj-Napoca"), ("state_id", "=", cls.county_cluj.id)]
        )
        assert cls.cluj_napoca, "Romania's localities (l10n_ro_city) are installed"
        cls.product = cls.env["product.product"].create(
            {
                "name": "Espresso Machine",
                "type": "consu",
                "list_price": 200.0,
                "taxes_id": [Command.clear()],
                "sale_ok": True,
                "website_published": True,
            }
        )
        # A carrier's fixed price is its product's price: one product each.
        shipping, locker_shipping = cls.env["product.product"].create(
            [
                {"name": name, "type": "service", "taxes_id": [Command.clear()]}
                for name in ("Courier shipping", "Locker shipping")
            ]
        )
        cls.courier = cls.env["delivery.carrier"].create(
            {
                "name": "Courier (cash on delivery)",
                "delivery_type": "fixed",
                "fixed_price": 20.0,
                "product_id": shipping.id,
                "website_published": True,
                "fulfilment_collects_cash": True,
                "sequence": 1,
            }
        )
        cls.locker = cls.env["delivery.carrier"].create(
            {
                "name": "Parcel locker",
                "delivery_type": "fixed",
                "fixed_price": 10.0,
                "product_id": locker_shipping.id,
                "website_published": True,
                "sequence": 2,
            }
        )
        cls.cod_method = cls.env.ref("order_fulfilment.payment_method_cash_on_delivery")
        cls.cod_provider = cls.env.ref(
            "order_fulfilment.payment_provider_cash_on_delivery"
        )
        cls.cod_provider.write({"state": "enabled", "is_published": True})
        cls.card_method = cls.env.ref("payment.payment_method_card")
        cls.card_provider = cls.env.ref("order_fulfilment.payment_provider_euplatesc")
        cls.card_provider.write(
            {
                "state": "test",
                "is_published": True,
                "euplatesc_merchant_id": "44840000001",
                "euplatesc_secret_key": "00112233445566778899AABBCCDDEEFF",
            }
        )
        vat19 = cls.env["account.tax"].create(
            {
                "name": "TVA 19% (fee)",
                "amount": 19.0,
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )
        cls.fee_product = cls.env["product.product"].create(
            {
                "name": "Cash on delivery fee",
                "type": "service",
                "taxes_id": [Command.set(vat19.ids)],
                "sale_ok": False,
            }
        )
        # 10 lei + 1% of the order, at least 12 lei, at most 30 lei, VAT included.
        cls.env["fulfilment.payment.policy"].create(
            {
                "payment_method_id": cls.cod_method.id,
                "company_id": cls.company.id,
                "fee_fixed": 4.0,
                "is_cash_on_delivery": True,
                "customer_fee_product_id": cls.fee_product.id,
                "customer_fee_fixed": 10.0,
                "customer_fee_percent": 1.0,
                "customer_fee_min": 12.0,
                "customer_fee_max": 30.0,
            }
        )

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", self.base_url()
        )

    # The customer's steps ------------------------------------------------

    def _csrf_token(self, url):
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200, page.text[:500])
        return CSRF_RE.search(page.text).group(1)

    def _add_to_cart(self, quantity=1):
        self.url_open("/shop")
        self.make_jsonrpc_request(
            "/shop/cart/update_json",
            {"product_id": self.product.id, "add_qty": quantity},
        )
        return self.env["sale.order"].search(
            [("website_id", "=", self.website.id)], order="id desc", limit=1
        )

    def _submit_address(self, **values):
        """Post the billing (and delivery) address form; return its answer."""
        data = {
            "name": "Ioana Popescu",
            "email": "ioana@example.ro",
            "phone": "+40 721 000 111",
            "street_name": "Strada Lalelelor",
            "street_number": "3",
            "state_id": str(self.county_cluj.id),
            "city_id": str(self.cluj_napoca.id),
            "zip": "400001",
            "country_id": str(self.romania.id),
            "address_type": "billing",
            "use_delivery_as_billing": "true",
            "csrf_token": self._csrf_token("/shop/address"),
            **values,
        }
        response = self.url_open("/shop/address/submit", data=data)
        self.assertEqual(response.status_code, 200, response.text[:500])
        return response.json()

    def _set_delivery(self, carrier):
        return self.make_jsonrpc_request(
            "/shop/set_delivery_method", {"dm_id": str(carrier.id)}
        )

    def _payment_page(self):
        page = self.url_open("/shop/payment")
        self.assertEqual(page.status_code, 200, page.text[:500])
        return page.text

    def _pick_method(self, method):
        """The customer clicks a payment method of the form."""
        return self.make_jsonrpc_request(
            "/shop/payment/fulfilment_fee",
            {"payment_option_type": "payment_method", "payment_option_id": method.id},
        )

    def _pay(self, order, provider, method, amount):
        """Pay now: the transaction route, then the provider's form."""
        return self.make_jsonrpc_request(
            f"/shop/payment/transaction/{order.id}",
            {
                "access_token": order._portal_ensure_token(),
                "provider_id": provider.id,
                "payment_method_id": method.id,
                "token_id": None,
                "amount": amount,
                "flow": "redirect",
                "tokenization_requested": False,
                "landing_route": "/shop/payment/validate",
            },
        )

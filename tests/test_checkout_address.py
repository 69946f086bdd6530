import json
import re

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import BrowserTourCase
from .shipping_common import ShippingCommon


@tagged("post_install", "-at_install")
class TestCheckoutAddress(BrowserTourCase, ShippingCommon):
    """The shop's address form in a country whose localities Odoo knows:
    county → locality from the list, the postal code filled, the street number
    in its own field."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ro.enforce_cities = True
        # The shop asks a billing address for a phone number.
        cls.customer_codlea.phone = "+40 721 100 202"
        cls.website = cls.env["website"].get_current_website()
        cls.product.write({"is_published": True, "sale_ok": True, "taxes_id": False})
        cls.shopper = new_test_user(
            cls.env,
            login="codlea_shopper",
            password="codlea_shopper",
            groups="base.group_portal",
            partner_id=cls.customer_codlea.id,
        )
        # The shopper's cart.
        cls.cart = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer_codlea.id,
                "website_id": cls.website.id,
                "order_line": [
                    Command.create({"product_id": cls.product.id, "product_uom_qty": 1})
                ],
            }
        )

    def _submit(self, address_type="delivery", **values):
        page = self.url_open(f"/shop/address?address_type={address_type}")
        self.assertEqual(page.status_code, 200)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
        form = {
            "csrf_token": token,
            "address_type": address_type,
            "name": "Ion Sat",
            "phone": "+40 721 100 300",
            "country_id": str(self.ro.id),
            "state_id": str(self.state_bv.id),
            **values,
        }
        return json.loads(self.url_open("/shop/address/submit", data=form).text)

    def test_county_localities_route(self):
        """The county's localities come with their postal codes; a village
        shows its municipality."""
        self.authenticate("codlea_shopper", "codlea_shopper")
        cities = self.make_jsonrpc_request(
            f"/shop/fulfilment/cities/{self.state_bv.id}", {}
        )
        by_label = {label: (city_id, zip_code) for city_id, label, zip_code in cities}
        codlea = self.env.ref("l10n_ro_city.RO_40250")
        self.assertEqual(by_label["Codlea"], (codlea.id, "505100"))
        self.assertIn("Predeluț (Bran)", by_label)
        self.assertNotIn("Cluj-Napoca", by_label)

    def test_form_offers_the_county_list(self):
        """The address form lists the localities of the customer's county,
        the customer's own selected, and the street number apart."""
        self.authenticate("codlea_shopper", "codlea_shopper")
        codlea = self.env.ref("l10n_ro_city.RO_40250")
        self.customer_codlea.city_id = codlea
        page = self.url_open(
            f"/shop/address?partner_id={self.customer_codlea.id}&address_type=delivery"
        ).text
        self.assertIn(f'<option value="{codlea.id}" data-zip="505100" selected', page)
        self.assertIn('name="street_number"', page)
        self.assertIn('value="5"', page)

    def test_locality_chosen_fills_city_and_postal_code(self):
        """A locality chosen in the list gives the city and its postal code;
        the street and number are kept as typed."""
        self.authenticate("codlea_shopper", "codlea_shopper")
        predelut = self.env["res.city"].search(
            [("name", "=", "Predeluț"), ("state_id", "=", self.state_bv.id)]
        )
        self.assertEqual(len(predelut), 1)
        answer = self._submit(
            city_id=str(predelut.id),
            street_name="Str. Principală",
            street_number="7A",
            zip="",
        )
        self.assertIn("redirectUrl", answer, answer)
        partner = self.cart.partner_shipping_id
        self.assertEqual(partner.name, "Ion Sat")
        self.assertEqual(
            (partner.city_id, partner.city, partner.zip),
            (predelut, "Predeluț", "507026"),
        )
        self.assertEqual(
            (partner.street_name, partner.street_number), ("Str. Principală", "7A")
        )
        self.assertEqual(partner.street, "Str. Principală 7A")

    def test_billing_address_from_the_list(self):
        """A billing address is saved from the same fields (the street number
        is not required there)."""
        self.authenticate("codlea_shopper", "codlea_shopper")
        codlea = self.env.ref("l10n_ro_city.RO_40250")
        answer = self._submit(
            address_type="billing",
            partner_id=str(self.customer_codlea.id),
            email="radu@example.com",
            city_id=str(codlea.id),
            street_name="Str. Lungă",
            street_number="",
            zip="",
        )
        self.assertIn("redirectUrl", answer, answer)
        self.assertEqual(
            (self.customer_codlea.city_id, self.customer_codlea.street),
            (codlea, "Str. Lungă"),
        )

    def test_number_and_locality_required(self):
        """Without a house number or a locality from the list the address is
        refused, the fields marked."""
        self.authenticate("codlea_shopper", "codlea_shopper")
        answer = self._submit(street_name="Str. Principală", city="Predeluț")
        self.assertEqual(
            set(answer["invalid_fields"]) & {"street_number", "city_id"},
            {"street_number", "city_id"},
        )

    def test_county_to_locality_in_the_browser(self):
        """In the browser: the county loads its localities, the chosen village
        fills the postal code, the address is saved with its parts."""
        self.start_tour(
            "/shop/address?address_type=delivery",
            "order_fulfilment_checkout_locality",
            login="codlea_shopper",
        )
        partner = self.cart.partner_shipping_id
        self.assertEqual(partner.name, "Ion Sat")
        self.assertEqual((partner.city, partner.zip), ("Predeluț", "507026"))
        self.assertEqual(
            (partner.street_name, partner.street_number), ("Str. Principală", "7")
        )

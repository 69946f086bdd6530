from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .shipping_common import ShippingCommon


@tagged("post_install", "-at_install")
class TestCheckoutPrice(HttpCase, ShippingCommon):
    """The shop's delivery choice shows the carrier's computed price."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].get_current_website()
        cls.product.write({"is_published": True, "sale_ok": True, "taxes_id": False})
        cls.formula = cls._create_formula_carrier(
            name="Own van (formula)", is_published=True, website_id=cls.website.id
        )
        cls.rules = cls.env["delivery.carrier"].create(
            {
                "name": "FAN Courier by weight",
                "delivery_type": "fan_courier",
                "product_id": cls.delivery_product.id,
                "fulfilment_price_source": "rules",
                "is_published": True,
                "website_id": cls.website.id,
                "price_rule_ids": [
                    Command.create(
                        {
                            "variable": "weight",
                            "operator": "<=",
                            "max_value": 30,
                            "list_base_price": 19.0,
                            "list_price": 2.0,
                            "variable_factor": "weight",
                        }
                    )
                ],
            }
        )
        # The shop asks a delivery address for a phone number.
        cls.customer_cluj.phone = "+40 721 100 201"
        cls.shopper = new_test_user(
            cls.env,
            login="cluj_shopper",
            password="cluj_shopper",
            groups="base.group_portal",
            partner_id=cls.customer_cluj.id,
        )

    def _json(self, route, **params):
        return self.make_jsonrpc_request(route, params)

    def test_checkout_delivery_prices(self):
        """A customer in Cluj-Napoca with three 0.5 kg items in the cart sees
        the formula price (24.50) and the rules price (19 + 2 × 1.5 = 22.00)."""
        self.authenticate("cluj_shopper", "cluj_shopper")
        self._json("/shop/cart/update_json", product_id=self.product.id, add_qty=3)
        page = self.url_open("/shop/checkout?try_skip_step=false")
        self.assertTrue(
            page.url.endswith("/shop/checkout?try_skip_step=false"), page.url
        )
        for name in ("Own van (formula)", "FAN Courier by weight"):
            self.assertTrue(name in page.text, f"{name} offered at checkout")
        formula = self._json("/shop/get_delivery_rate", dm_id=self.formula.id)
        self.assertTrue(formula["success"], formula.get("error_message"))
        self.assertAlmostEqual(formula["price"], 24.5)
        self.assertIn("24.50", formula["amount_delivery"])
        rules = self._json("/shop/get_delivery_rate", dm_id=self.rules.id)
        self.assertAlmostEqual(rules["price"], 22.0)
        self.assertIn("22.00", rules["amount_delivery"])

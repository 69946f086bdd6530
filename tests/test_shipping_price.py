from odoo import Command
from odoo.tests import tagged

from odoo.addons.order_fulfilment.shipping import great_circle_km

from .shipping_common import ShippingCommon

# GeoNames coordinates of the town centres, as the gazetteer has them.
BRASOV = (45.64861, 25.60613)
CLUJ_NAPOCA = (46.76667, 23.6)


@tagged("post_install", "-at_install")
class TestShippingPrice(ShippingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fan = cls._create_fan_carrier(product_id=cls.delivery_product.id)

    def _rate(self, carrier, order):
        result = carrier.rate_shipment(order)
        self.assertTrue(result["success"], result.get("error_message"))
        return result["price"]

    def test_rules_price_depends_on_weight(self):
        """A courier priced by Odoo's price rules charges 150 kg more than 1 kg."""
        self.fan.write(
            {
                "fulfilment_price_source": "rules",
                "price_rule_ids": [
                    Command.create(
                        {
                            "variable": "weight",
                            "operator": "<=",
                            "max_value": 30,
                            "list_base_price": 20.0,
                        }
                    ),
                    Command.create(
                        {
                            "variable": "weight",
                            "operator": ">",
                            "max_value": 30,
                            "list_base_price": 50.0,
                            "list_price": 1.0,
                            "variable_factor": "weight",
                        }
                    ),
                ],
            }
        )
        self.product.weight = 1.0
        light = self._create_order(partner=self.customer_codlea, quantity=1)
        heavy = self._create_order(partner=self.customer_codlea, quantity=150)
        self.assertEqual(self._rate(self.fan, light), 20.0)
        self.assertEqual(self._rate(self.fan, heavy), 50.0 + 150.0)
        # The fixed source still answers the fixed price, whatever the weight.
        self.fan.fulfilment_price_source = "fixed"
        self.assertEqual(self._rate(self.fan, heavy), 20.0)

    def test_formula_between_real_localities(self):
        """Brașov → Cluj-Napoca: the formula price equals the hand computation."""
        carrier = self._create_formula_carrier()
        order = self._create_order(partner=self.customer_cluj, quantity=3)
        # 3 × 0.5 kg = 1.5 kg, 3 items, about 198 km (second band):
        # 10 + 2 × (1.5 − 1) + 1.5 × (3 − 2) + 12 = 24.5
        self.assertAlmostEqual(self._rate(carrier, order), 24.5)
        # Per km instead of bands: 10 + 1 + 1.5 + 0.05 × 198.2 = 22.41
        distance = great_circle_km(BRASOV, CLUJ_NAPOCA)
        self.assertAlmostEqual(distance, 198.2, delta=0.05)
        carrier.fulfilment_formula_band_ids = [Command.clear()]
        self.assertAlmostEqual(self._rate(carrier, order), 12.5 + 0.05 * distance)
        # The maximum caps it.
        carrier.fulfilment_formula_max_price = 20.0
        self.assertEqual(self._rate(carrier, order), 20.0)

    def test_formula_as_courier_price_source(self):
        """A courier carrier priced by the formula, with margin and .99 rounding,
        and free above an amount."""
        self.fan.write(
            {
                "fulfilment_price_source": "formula",
                "fulfilment_formula_base": 10.0,
                "fulfilment_formula_included_weight": 1.0,
                "fulfilment_formula_per_kg": 2.0,
                "fulfilment_formula_included_items": 2,
                "fulfilment_formula_per_item": 1.5,
                "fulfilment_formula_band_ids": [
                    Command.create({"up_to_km": 250, "price": 12.0})
                ],
                "margin": 0.10,
                "fulfilment_price_rounding": "up_99",
            }
        )
        order = self._create_order(partner=self.customer_cluj, quantity=3, price=20.0)
        # 24.5 + 10 % = 26.95 → 26.99
        self.assertAlmostEqual(self._rate(self.fan, order), 26.99)
        self.fan.write({"free_over": True, "amount": 250.0})
        self.assertAlmostEqual(self._rate(self.fan, order), 26.99)
        big = self._create_order(partner=self.customer_cluj, quantity=3, price=100.0)
        self.assertEqual(self._rate(self.fan, big), 0.0)

    def test_partner_coordinates_and_village_fallback(self):
        """Geolocated partners use their own coordinates; a village missing from
        the gazetteer is placed at its municipality or county town (Predeluț,
        a village of Bran, lands within 35 km of Bran)."""
        self.customer_cluj.write(
            {"partner_latitude": 46.77, "partner_longitude": 23.59}
        )
        self.assertEqual(self.customer_cluj._fulfilment_coordinates(), (46.77, 23.59))
        village = self._create_customer(
            "Ion Sat", "Str. Principală 7", "Predeluț", "507026", self.state_bv
        )
        point = village._fulfilment_coordinates()
        self.assertIsNotNone(point)
        self.assertLess(great_circle_km(point, (45.516, 25.367)), 35)
        nowhere = self._create_customer(
            "No Where", "Str. X 1", "Atlantis", "", self.env["res.country.state"]
        )
        self.assertIsNone(nowhere._fulfilment_coordinates())

    def test_locality_point_follows_the_nomenclature(self):
        """A locality's place is kept between prices, and found again when
        the nomenclature changes: a new village of Bran is placed at Bran,
        then at Codlea once its municipality is corrected to Codlea."""
        if "l10n_ro_municipality" not in self.env["res.city"]._fields:
            self.fail("the tests need OCA's l10n_ro_city installed")
        village = self.env["res.city"].create(
            {
                "name": "Poiana de Test",
                "state_id": self.state_bv.id,
                "country_id": self.ro.id,
                "l10n_ro_municipality": "Bran",
            }
        )
        customer = self._create_customer(
            "Ion Poiana", "Str. Mare 1", "Poiana de Test", "507025", self.state_bv
        )
        customer.city_id = village
        bran, codlea = (45.516, 25.367), (45.700, 25.450)
        self.assertLess(great_circle_km(customer._fulfilment_coordinates(), bran), 5)
        village.l10n_ro_municipality = "Codlea"
        self.assertLess(great_circle_km(customer._fulfilment_coordinates(), codlea), 5)

    def test_formula_unknown_locality_and_pickup(self):
        """No price without a known locality; collecting at the warehouse is free."""
        carrier = self._create_formula_carrier()
        lost = self._create_customer(
            "No Where", "Str. X 1", "Atlantis", "", self.env["res.country.state"]
        )
        result = carrier.rate_shipment(self._create_order(partner=lost))
        self.assertFalse(result["success"])
        self.assertIn("Atlantis", result["error_message"])
        at_warehouse = self._create_order(partner=self.warehouse.partner_id)
        self.assertEqual(self._rate(carrier, at_warehouse), 0.0)

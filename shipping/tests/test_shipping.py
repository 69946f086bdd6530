"""Prices, distances and address checks, without Odoo."""

import unittest

from ..addresses import AddressFacts, Nomenclature, check_address, is_mobile
from ..formula import DistanceBand, FormulaTariff, round_up_to_99
from ..geo import Gazetteer, great_circle_km


class TestFormula(unittest.TestCase):
    def test_parts_above_included(self):
        """Only the weight and items above what the base covers are charged."""
        tariff = FormulaTariff(
            base=10, per_kg=2, included_weight=1, per_item=1.5, included_items=2
        )
        self.assertEqual(tariff.price(weight=0.5, items=1, distance_km=0), 10)
        self.assertEqual(tariff.price(weight=3.5, items=4, distance_km=0), 10 + 5 + 3)

    def test_per_km_and_maximum(self):
        """The distance is charged per km, and the total is capped."""
        tariff = FormulaTariff(base=10, per_km=0.1, maximum=25)
        self.assertAlmostEqual(tariff.price(0, 0, 100), 20)
        self.assertEqual(tariff.price(0, 0, 400), 25)

    def test_bands(self):
        """A distance costs its band's price; past the last band, per km more."""
        tariff = FormulaTariff(
            per_km=0.05,
            bands=(DistanceBand(250, 12), DistanceBand(100, 5)),
        )
        self.assertEqual(tariff.price(0, 0, 40), 5)
        self.assertEqual(tariff.price(0, 0, 100), 5)
        self.assertEqual(tariff.price(0, 0, 198), 12)
        self.assertAlmostEqual(tariff.price(0, 0, 450), 12 + 0.05 * 200)

    def test_round_up_to_99(self):
        """Prices end in .99 without ever going down."""
        self.assertEqual(round_up_to_99(12.3), 12.99)
        self.assertEqual(round_up_to_99(12.99), 12.99)
        self.assertEqual(round_up_to_99(13.0), 13.99)
        self.assertEqual(round_up_to_99(0), 0)


class TestGeo(unittest.TestCase):
    def test_great_circle(self):
        """Haversine distance: one degree of latitude is about 111.2 km."""
        self.assertAlmostEqual(great_circle_km((45, 25), (46, 25)), 111.195, places=2)
        self.assertEqual(great_circle_km((45, 25), (45, 25)), 0)

    def test_gazetteer_romanian_towns(self):
        """The package's gazetteer knows Romanian towns with or without
        diacritics; Brașov to Cluj-Napoca is about 198 km as the crow flies."""
        gazetteer = Gazetteer.shared()
        brasov = gazetteer.find("RO", "Brașov")
        self.assertEqual(gazetteer.find("ro", "Brasov"), brasov)
        self.assertEqual(gazetteer.find("RO", "Braşov"), brasov)  # cedilla
        cluj = gazetteer.find("RO", "cluj napoca")
        self.assertIsNotNone(cluj)
        distance = great_circle_km(brasov.point, cluj.point)
        self.assertTrue(190 < distance < 205, distance)

    def test_gazetteer_fallbacks(self):
        """A name missing from the gazetteer yields None; the largest of a
        list of localities is found (a county's seat from its localities)."""
        gazetteer = Gazetteer.shared()
        self.assertIsNone(gazetteer.find("RO", "Predeluț"))  # village of Bran
        largest = gazetteer.largest("RO", ["Predeluț", "Codlea", "Brașov", "Râșnov"])
        self.assertEqual(largest, gazetteer.find("RO", "Brașov"))


class TestAddresses(unittest.TestCase):
    def setUp(self):
        super().setUp()
        self.nomenclature = Nomenclature()
        self.nomenclature.add("RO", "BV", "Brașov")  # codes street by street
        self.nomenclature.add("RO", "BV", "Codlea", "505100")
        self.nomenclature.add("RO", "BV", "Predeluț", "507026")
        self.good = AddressFacts(
            country_code="RO",
            state="BV",
            state_name="Brașov",
            city="Codlea",
            zip="505100",
            street="Str. Lungă 5",
            street_number="5",
            phones=("+40 721 100 201",),
            served_countries=frozenset({"RO"}),
        )

    def codes(self, **changes):
        facts = AddressFacts(**{**self.good.__dict__, **changes})
        return [problem.code for problem in check_address(facts, self.nomenclature)]

    def test_good_address(self):
        """A locality of its county with its own postal code, a number and a
        mobile phone: nothing to say."""
        self.assertEqual(self.codes(), [])
        self.assertEqual(self.codes(city="Brasov", zip="500030"), [])

    def test_locality_and_postal_code(self):
        """Unknown locality for the county, wrong postal code, a town's code
        outside the county, missing county."""
        self.assertEqual(self.codes(city="Cluj-Napoca"), ["unknown_locality"])
        self.assertEqual(self.codes(zip="505101"), ["zip_mismatch"])
        self.assertEqual(self.codes(city="Brașov", zip="400129"), ["zip_not_in_county"])
        self.assertEqual(self.codes(zip=""), ["missing_zip"])
        self.assertEqual(self.codes(state=""), ["missing_state"])

    def test_number_phone_country(self):
        """Missing street number, no mobile phone, country not served."""
        self.assertEqual(self.codes(street_number=""), ["missing_street_number"])
        self.assertEqual(self.codes(phones=("+40 268 100 200",)), ["phone_not_mobile"])
        self.assertEqual(self.codes(phones=()), ["phone_not_mobile"])
        self.assertEqual(
            self.codes(country_code="US", state="CA", zip="94538"),
            ["country_not_served"],
        )

    def test_country_without_nomenclature(self):
        """Countries without a nomenclature are not checked for localities."""
        facts = AddressFacts(
            **{
                **self.good.__dict__,
                "country_code": "HU",
                "city": "Anywhere",
                "zip": "1",
                "phones": ("+36 30 123 4567",),
                "served_countries": frozenset(),
            }
        )
        self.assertEqual(check_address(facts, self.nomenclature), [])

    def test_is_mobile(self):
        """Romanian mobiles (07xx) with or without the +40 prefix; landlines not."""
        self.assertTrue(is_mobile("0721 100 201", "RO"))
        self.assertTrue(is_mobile("+40721100201", ""))
        self.assertFalse(is_mobile("+40 21 300 4001", "RO"))
        self.assertFalse(is_mobile("not a phone", "RO"))

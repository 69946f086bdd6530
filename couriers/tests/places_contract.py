"""The couriers' price APIs and locality lists, against the fake servers.

Mixins like ``contract.py``: run without Odoo by ``python3 -m couriers.tests``
and under Odoo's runner by the addon's ``tests/test_courier_places.py``.
"""

import json
from urllib.parse import parse_qs

from ..base import (
    Address,
    CourierError,
    CourierTimeout,
    Parcel,
    ShipmentRequest,
)
from ..cargus import CargusClient
from ..fakes import FakeCargus, FakeFanCourier, FakeGls, FakeSameday
from ..fan import FanCourierClient
from ..gls import GlsClient
from ..sameday import SamedayClient


class PlacesContract:
    """Quotes and localities; subclasses name the courier and its spelling."""

    client_class = None
    fake_class = None
    credentials = {}
    timeout = 10.0
    short_timeout = 0.5
    late_answer = 1.0
    service = ""
    pickup_point = ""
    # The courier's spelling of the Brașov county and town, and its ids.
    county_name = ""
    county_id = ""
    town_name = ""
    town_id = ""
    # 2.4 kg to Brașov: the fake's price without VAT (and with, if given).
    expected_price = 0.0
    expected_price_with_vat = 0.0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = cls.fake_class().start()
        cls.addClassCleanup(cls.fake.stop)

    def setUp(self):
        super().setUp()
        self.fake.reset()
        self.fake.timeout_sleep = self.short_timeout + self.late_answer

    def make_client(self, timeout=None):
        return self.client_class(
            self.fake.url, dict(self.credentials), timeout=timeout or self.timeout
        )

    def request(self, city=None, county=None, locality_id=None, county_id=None):
        return ShipmentRequest(
            reference="S00042",
            recipient=Address(
                name="Radu Stan",
                street="Str. Republicii",
                street_no="88",
                city=self.town_name if city is None else city,
                county=self.county_name if county is None else county,
                locality_id=self.town_id if locality_id is None else locality_id,
                county_id=self.county_id if county_id is None else county_id,
                zip_code="500030",
                phone="+40721100201",
            ),
            sender=Address(
                name="Magazinul Digital SRL",
                city=self.town_name,
                county=self.county_name,
                locality_id=self.town_id,
                county_id=self.county_id,
            ),
            parcels=[Parcel(weight=2.4, length=30, width=20, height=10)],
            service=self.service,
            pickup_point=self.pickup_point,
            declared_value=120.0,
        )

    def sent_locality(self):
        """What the fake received as the recipient's locality, in the quote."""
        raise NotImplementedError

    # -- scenarios ---------------------------------------------------------

    def test_quote(self):
        """The courier's price of a 2.4 kg parcel to Brașov, asked with the
        courier's own spelling (or id) of the locality."""
        quote = self.make_client().quote(self.request())
        self.assertAlmostEqual(quote.price, self.expected_price)
        self.assertAlmostEqual(quote.price_with_vat, self.expected_price_with_vat)
        self.assertEqual(quote.currency, "RON")
        self.assertEqual(self.sent_locality(), self.town_id or self.town_name)

    def test_quote_too_late(self):
        """A courier answering after the (short) timeout raises CourierTimeout."""
        client = self.make_client()
        client.counties()  # logged in: only the quote itself is late
        late = self.make_client(timeout=self.short_timeout)
        late.token_store = client.token_store
        self.fake.fail_next("timeout")
        with self.assertRaises(CourierTimeout):
            late.quote(self.request())

    def test_quote_unknown_locality_refused(self):
        """A locality the courier does not know is refused with its reason."""
        with self.assertRaises(CourierError) as caught:
            self.make_client().quote(
                self.request(city="Atlantis", locality_id="", county_id="")
            )
        self.assertNotIsInstance(caught.exception, CourierTimeout)
        self.assertTrue(caught.exception.message)

    def test_counties_and_localities(self):
        """The nomenclature comes back as the courier spells it."""
        client = self.make_client()
        counties = {county.name: county for county in client.counties()}
        self.assertIn(self.county_name, counties)
        county = counties[self.county_name]
        localities = {item.name: item for item in client.localities(county)}
        self.assertIn(self.town_name, localities)
        self.assertEqual(localities[self.town_name].id, self.town_id or "801")
        # Villages come with their postal code when the courier gives it.
        village = next(item for item in localities.values() if "redelu" in item.name)
        if self.postal_codes:
            self.assertEqual(village.postal_code, "507026")

    postal_codes = True


class SamedayPlacesContract(PlacesContract):
    client_class = SamedayClient
    fake_class = FakeSameday
    credentials = {"username": "demo", "password": "demo-pass"}
    service = "7"
    pickup_point = "1234"
    county_name = "Brașov"
    county_id = "8"
    town_name = "Brașov"
    town_id = "8001"
    expected_price = 17.6  # 14 + 1.5 × 2.4
    expected_price_with_vat = 0.0  # Sameday gives one amount

    def sent_locality(self):
        form = parse_qs(self.fake.requests_to("estimate-cost")[-1].body.decode())
        return form["awbRecipient[city]"][0]

    def test_sameday_lists_bucharest_by_sector(self):
        """Sameday's București county has sectors, not one locality."""
        client = self.make_client()
        bucharest = next(c for c in client.counties() if c.code == "B")
        names = [item.name for item in client.localities(bucharest)]
        self.assertIn("Sector 1", names)
        self.assertNotIn("București", names)

    def test_awb_form_uses_the_ids(self):
        """With the nomenclature's ids, the AWB form carries them instead of
        the names (as Sameday's SDK does)."""
        self.make_client().create_shipment(self.request())
        form = parse_qs(self.fake.requests_to("/api/awb")[0].body.decode())
        self.assertEqual(form["awbRecipient[city]"], ["8001"])
        self.assertEqual(form["awbRecipient[county]"], ["8"])
        self.assertNotIn("awbRecipient[cityString]", form)


class CargusPlacesContract(PlacesContract):
    client_class = CargusClient
    fake_class = FakeCargus
    credentials = {
        "username": "demo",
        "password": "demo-pass",
        "subscription_key": "demo-subscription-key",
        "location_id": "201",
    }
    county_name = "Brasov"
    county_id = "9"
    town_name = "Brasov"
    town_id = "2011"
    expected_price = 15.6  # 12 + 1.8 × 2 (Cargus weighs whole kilograms)
    expected_price_with_vat = 18.56

    def sent_locality(self):
        body = json.loads(self.fake.requests_to("ShippingCalculation")[-1].body)
        self.assertEqual(body["FromLocalityId"], 2011)
        return str(body["ToLocalityId"])


class FanCourierPlacesContract(PlacesContract):
    client_class = FanCourierClient
    fake_class = FakeFanCourier
    credentials = {"username": "demo", "password": "demo-pass", "client_id": "7032158"}
    service = "Standard"
    county_name = "Brasov"
    town_name = "Brasov"
    town_id = ""  # FAN Courier takes names
    county_id = ""
    expected_price = 19.8  # 15 + 2 × 2.4
    expected_price_with_vat = 23.56
    postal_codes = False  # FAN Courier's list has none

    def sent_locality(self):
        query = self.fake.requests_to("internal-tariff")[-1].query
        self.assertEqual(query["recipient[county]"], ["Brasov"])
        return query["recipient[locality]"][0]


class GlsPlacesContract:
    """GLS publishes neither a price API nor a locality list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakeGls().start()
        cls.addClassCleanup(cls.fake.stop)

    def test_no_quote_no_localities(self):
        """GLS says so without calling anybody."""
        client = GlsClient(
            self.fake.url,
            {"username": "demo", "password": "demo-pass", "client_number": "1"},
        )
        self.assertFalse(client.supports_quote or client.supports_localities)
        for call in (lambda: client.quote(None), client.counties):
            with self.assertRaises(CourierError) as caught:
                call()
            self.assertEqual(caught.exception.code, "unsupported")
        self.assertFalse(self.fake.requests)

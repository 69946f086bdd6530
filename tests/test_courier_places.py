"""The couriers' prices at checkout and their locality lists, in Odoo: the
carriers against the fake Sameday, Cargus and FAN Courier servers (their
price APIs and locality lists speak the couriers' wire formats)."""

import json
from unittest.mock import patch
from urllib.parse import parse_qs

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tests.common import _super_send

from odoo.addons.order_fulfilment.couriers.fakes import (
    FakeCargus,
    FakeFanCourier,
    FakeSameday,
)
from odoo.addons.order_fulfilment.couriers.tests.places_contract import (
    CargusPlacesContract,
    FanCourierPlacesContract,
    GlsPlacesContract,
    SamedayPlacesContract,
)
from odoo.addons.order_fulfilment.models.delivery_carrier import _CarrierTokenStore

from .common import (
    COURIER_LATE_ANSWER,
    COURIER_SHORT_TIMEOUT,
    COURIER_TIMEOUT,
    CourierClientCase,
)
from .shipping_common import ShippingCommon


@tagged("post_install", "-at_install")
class TestSamedayPlacesClient(SamedayPlacesContract, CourierClientCase):
    """Sameday's AWB estimation and geolocation lists."""


@tagged("post_install", "-at_install")
class TestCargusPlacesClient(CargusPlacesContract, CourierClientCase):
    """Cargus's ShippingCalculation and Counties / Localities lists."""


@tagged("post_install", "-at_install")
class TestFanCourierPlacesClient(FanCourierPlacesContract, CourierClientCase):
    """FAN Courier's internal tariff and counties / localities lists."""


@tagged("post_install", "-at_install")
class TestGlsPlacesClient(GlsPlacesContract, CourierClientCase):
    """GLS publishes neither."""


class CourierPlacesCommon(ShippingCommon):
    """Sameday, Cargus and FAN Courier carriers priced by the courier, each
    talking to its fake; their locality lists copied by the weekly job."""

    fakes = ()

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # The calls to the fakes keep the (short) timeouts the code gives them.
        if any(r.url.startswith(fake.url) for fake in cls.fakes):
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The courier logs are written through a cursor of their own.
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.fake_sameday = FakeSameday().start()
        cls.fake_cargus = FakeCargus().start()
        cls.fake_fan = FakeFanCourier().start()
        cls.fakes = (cls.fake_sameday, cls.fake_cargus, cls.fake_fan)
        for fake in cls.fakes:
            cls.addClassCleanup(fake.stop)
        Carrier = cls.env["delivery.carrier"]
        common = {
            "product_id": cls.delivery_product.id,
            "fulfilment_price_source": "courier",
            "fulfilment_username": "demo",
            "fulfilment_password": "demo-pass",
            "fulfilment_timeout": COURIER_TIMEOUT,
            "fulfilment_quote_timeout": COURIER_TIMEOUT,
            "fixed_price": 25.0,
        }
        cls.sameday = Carrier.create(
            {
                **common,
                "name": "Sameday (test)",
                "delivery_type": "sameday",
                "fulfilment_api_url": cls.fake_sameday.url,
                "fulfilment_service": "7",
                "fulfilment_pickup_point": "1234",
            }
        )
        cls.cargus = Carrier.create(
            {
                **common,
                "name": "Cargus (test)",
                "delivery_type": "cargus",
                "fulfilment_api_url": cls.fake_cargus.url,
                "fulfilment_subscription_key": "demo-subscription-key",
                "fulfilment_pickup_point": "201",
            }
        )
        cls.fan = Carrier.create(
            {
                **common,
                "name": "FAN Courier (test)",
                "delivery_type": "fan_courier",
                "fulfilment_api_url": cls.fake_fan.url,
                "fulfilment_client_id": "7032158",
                "fulfilment_service": "Standard",
            }
        )
        cls.carriers = cls.sameday | cls.cargus | cls.fan
        cls.env["delivery.carrier"]._cron_fulfilment_refresh_localities()
        cls.bucharest = cls._create_customer(
            "Ioana Marin",
            "Str. Victoriei 12",
            "București",
            "010061",
            cls.env.ref("base.RO_B"),
        )

    def setUp(self):
        super().setUp()
        for fake in self.fakes:
            fake.reset()
            fake.timeout_sleep = COURIER_SHORT_TIMEOUT + COURIER_LATE_ANSWER


@tagged("post_install", "-at_install")
class TestCourierLocalities(CourierPlacesCommon):
    def _localities(self, carrier):
        return self.env["fulfilment.courier.locality"].search(
            [("carrier_id", "=", carrier.id)]
        )

    def test_lists_copied_as_each_courier_spells_them(self):
        """The weekly job copies each courier's counties (matched to Odoo's
        counties) and localities, spelled as the courier spells them."""
        for carrier, town, county in (
            (self.sameday, "Brașov", "Brașov"),
            (self.cargus, "Brasov", "Brasov"),
            (self.fan, "Brasov", "Brasov"),
        ):
            localities = self._localities(carrier)
            self.assertEqual(len(localities), 10 if carrier != self.sameday else 15)
            brasov = localities.filtered_domain([("name", "=", town)])
            self.assertEqual(len(brasov), 1, carrier.name)
            self.assertEqual(brasov.county_id.name, county)
            self.assertEqual(brasov.state_id, self.state_bv)
            self.assertTrue(carrier.fulfilment_counties_refreshed_at)
        self.assertEqual(self.sameday.fulfilment_locality_count, 15)

    def test_refresh_in_batches(self):
        """The job asks for the localities of ``limit`` counties per run, the
        lists a week old only, and drops the localities the courier dropped."""
        County = self.env["fulfilment.courier.county"]
        counties = County.search([("carrier_id", "in", self.carriers.ids)])
        self.assertEqual(len(counties), 15)
        stale = self._localities(self.cargus)[:1]
        stale.courier_ref = "999999"  # a locality Cargus no longer lists
        self.carriers.action_fulfilment_refresh_localities()
        Carrier = self.env["delivery.carrier"]
        Carrier._cron_fulfilment_refresh_localities(limit=6)
        refreshed = counties.filtered("localities_refreshed_at")
        self.assertEqual(len(refreshed), 6)
        Carrier._cron_fulfilment_refresh_localities(limit=6)
        Carrier._cron_fulfilment_refresh_localities(limit=6)
        self.assertTrue(all(counties.mapped("localities_refreshed_at")))
        self.assertFalse(stale.exists())
        self.assertEqual(len(self._localities(self.cargus)), 10)
        # Nothing is a week old any more: another run asks nobody.
        for fake in self.fakes:
            fake.reset()
        Carrier._cron_fulfilment_refresh_localities(limit=6)
        self.assertFalse(any(fake.requests for fake in self.fakes))

    def test_token_saved_with_the_job(self):
        """A token the couriers give during the job is saved in the job's own
        transaction, which writes the carriers afterwards (their refresh
        times): written by a transaction of its own, it would make that
        write fail as a concurrent update of the carrier."""
        self.carriers.sudo().write(
            {"fulfilment_token": False, "fulfilment_token_expiry": False}
        )
        self.carriers.action_fulfilment_refresh_localities()
        with patch.object(
            _CarrierTokenStore,
            "set",
            side_effect=AssertionError("token saved in a transaction of its own"),
        ):
            self.env["delivery.carrier"]._cron_fulfilment_refresh_localities()
        for carrier in self.carriers:
            self.assertTrue(carrier.sudo().fulfilment_token, carrier.name)
            self.assertTrue(carrier.fulfilment_counties_refreshed_at, carrier.name)

    def _awb_request(self, carrier, fake, partner, path):
        order = self._create_order(partner=partner, carrier_id=carrier.id)
        order.action_confirm()
        picking = order.picking_ids
        picking.action_fulfilment_send_to_courier()
        self.assertTrue(picking.carrier_tracking_ref)
        return [request for request in fake.requests if request.path == path][-1]

    def test_awb_carries_the_couriers_spelling(self):
        """The AWB request names the locality and county as each courier's
        list spells them, with its ids where the courier takes ids: Codlea in
        Brașov county; București as Sameday's sector and as the others' city."""
        form = parse_qs(
            self._awb_request(
                self.sameday, self.fake_sameday, self.customer_codlea, "/api/awb"
            ).body.decode()
        )
        self.assertEqual(form["awbRecipient[city]"], ["8002"])
        self.assertEqual(form["awbRecipient[county]"], ["8"])
        form = parse_qs(
            self._awb_request(
                self.sameday, self.fake_sameday, self.bucharest, "/api/awb"
            ).body.decode()
        )
        self.assertEqual(form["awbRecipient[city]"], ["1001"])  # Sector 1
        recipient = json.loads(
            self._awb_request(
                self.cargus, self.fake_cargus, self.customer_codlea, "/Awbs/WithGetAwb"
            ).body
        )["Recipient"]
        self.assertEqual(
            (
                recipient["LocalityId"],
                recipient["LocalityName"],
                recipient["CountyName"],
            ),
            (2012, "Codlea", "Brasov"),
        )
        recipient = json.loads(
            self._awb_request(
                self.cargus, self.fake_cargus, self.bucharest, "/Awbs/WithGetAwb"
            ).body
        )["Recipient"]
        self.assertEqual(recipient["LocalityName"], "Bucuresti")
        address = json.loads(
            self._awb_request(
                self.fan, self.fake_fan, self.customer_codlea, "/intern-awb"
            ).body
        )["shipments"][0]["recipient"]["address"]
        self.assertEqual((address["locality"], address["county"]), ("Codlea", "Brasov"))

    def test_unknown_to_the_courier_goes_as_written(self):
        """A locality missing from the courier's list is sent as written."""
        self._localities(self.fan).filtered(lambda l: l.name == "Codlea").unlink()
        address = json.loads(
            self._awb_request(
                self.fan, self.fake_fan, self.customer_codlea, "/intern-awb"
            ).body
        )["shipments"][0]["recipient"]["address"]
        self.assertEqual((address["locality"], address["county"]), ("Codlea", "Brașov"))


@tagged("post_install", "-at_install")
class TestCourierQuote(CourierPlacesCommon):
    def _rate(self, carrier, order):
        result = carrier.rate_shipment(order)
        self.assertTrue(result["success"], result.get("error_message"))
        return result["price"]

    def test_quote_of_each_courier(self):
        """Each courier prices the cart itself: 3 × 0.5 kg to Codlea is what
        its price API answers, asked with its own spelling of the place."""
        order = self._create_order(partner=self.customer_codlea, quantity=3)
        # Sameday: 14 + 1.5 × 1.5 kg; Cargus: 12 + 1.8 × 2 (whole kg, without
        # VAT); FAN Courier: 15 + 2 × 1.5 (cost without VAT).
        self.assertAlmostEqual(self._rate(self.sameday, order), 16.25)
        self.assertAlmostEqual(self._rate(self.cargus, order), 15.6)
        self.assertAlmostEqual(self._rate(self.fan, order), 18.0)
        form = parse_qs(self.fake_sameday.requests_to("estimate-cost")[0].body.decode())
        self.assertEqual(form["awbRecipient[city]"], ["8002"])
        body = json.loads(self.fake_cargus.requests_to("ShippingCalculation")[0].body)
        # From the warehouse in Brașov to Codlea, by the courier's ids.
        self.assertEqual((body["FromLocalityId"], body["ToLocalityId"]), (2011, 2012))
        query = self.fake_fan.requests_to("internal-tariff")[0].query
        self.assertEqual(query["recipient[county]"], ["Brasov"])
        self.assertEqual(query["sender[locality]"], ["Brasov"])

    def test_quote_kept_per_cart(self):
        """The checkout asks the courier once per cart: the same cart again
        calls nobody, a changed cart asks again."""
        order = self._create_order(partner=self.customer_codlea, quantity=3)
        self._rate(self.sameday, order)
        self._rate(self.sameday, order)
        self.assertEqual(len(self.fake_sameday.requests_to("estimate-cost")), 1)
        order.order_line.product_uom_qty = 4
        self.assertAlmostEqual(self._rate(self.sameday, order), 17.0)
        self.assertEqual(len(self.fake_sameday.requests_to("estimate-cost")), 2)

    def test_margin_and_rounding_on_the_quote(self):
        """Odoo's margins and the .99 rounding apply on top of the quote."""
        self.cargus.write({"margin": 0.10, "fulfilment_price_rounding": "up_99"})
        order = self._create_order(partner=self.customer_codlea, quantity=3)
        # 15.60 + 10 % = 17.16 → 17.99
        self.assertAlmostEqual(self._rate(self.cargus, order), 17.99)

    def test_no_answer_in_time_falls_back_to_the_rules(self):
        """A courier answering after the checkout's timeout: the price rules
        stand in, the log says so, and the courier is not asked again at once."""
        self.sameday.write(
            {
                "fulfilment_quote_timeout": COURIER_SHORT_TIMEOUT,
                "price_rule_ids": [
                    (
                        0,
                        0,
                        {
                            "variable": "weight",
                            "operator": "<=",
                            "max_value": 30,
                            "list_base_price": 21.0,
                        },
                    )
                ],
            }
        )
        order = self._create_order(partner=self.customer_codlea, quantity=3)
        self._rate(self.sameday, order.copy())  # logged in: only the quote is late
        self.fake_sameday.fail_next("timeout")
        with self.assertLogs(
            "odoo.addons.order_fulfilment.models.delivery_carrier_quote", "WARNING"
        ) as logs:
            self.assertEqual(self._rate(self.sameday, order), 21.0)
        self.assertIn("priced by its rules instead", logs.output[0])
        self.assertEqual(self._rate(self.sameday, order), 21.0)
        self.assertEqual(len(self.fake_sameday.requests_to("estimate-cost")), 2)
        # Without rules, the fixed price stands in.
        self.sameday.price_rule_ids = [(5, 0, 0)]
        self.assertEqual(self._rate(self.sameday, order), 25.0)

    def test_refused_quote_falls_back(self):
        """A place the courier refuses is priced by the fallback too."""
        lost = self._create_customer(
            "No Where", "Str. X 1", "Atlantis", "505100", self.state_bv
        )
        order = self._create_order(partner=lost)
        with self.assertLogs(
            "odoo.addons.order_fulfilment.models.delivery_carrier_quote", "WARNING"
        ):
            self.assertEqual(self._rate(self.fan, order), 25.0)

    def test_gls_cannot_be_priced_by_the_courier(self):
        """GLS publishes no price API: the price source is refused, clearly."""
        with self.assertRaises(ValidationError) as refusal:
            self.env["delivery.carrier"].create(
                {
                    "name": "GLS (test)",
                    "delivery_type": "gls",
                    "product_id": self.delivery_product.id,
                    "fulfilment_price_source": "courier",
                }
            )
        self.assertIn("publishes no price API", refusal.exception.args[0])

"""The contract of the courier clients, against the fake servers.

Mixins without a test-case base: ``couriers/tests/__main__.py`` runs them as
plain ``unittest`` cases (``python3 -m couriers.tests``, no Odoo), and the
addon's ``tests/test_courier_clients.py`` under Odoo's test runner and pytest.
"""

import base64
import hashlib
import json
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs

from ..base import (
    Address,
    CourierAuthError,
    CourierError,
    CourierTimeout,
    CourierUnavailable,
    Parcel,
    ShipmentRequest,
    ShipmentResult,
    decode_label,
)
from ..cargus import CargusClient
from ..fakes import FakeCargus, FakeFanCourier, FakeGls, FakeSameday
from ..fan import FanCourierClient
from ..gls import GlsClient
from ..sameday import SamedayClient
from ..shipping import (
    FAILED,
    SENDING,
    SENT,
    UNKNOWN,
    Plan,
    PreviousAttempt,
    ShipmentInFlight,
    ShipmentJob,
    send,
)


class CourierContract:
    """Scenarios every courier client must pass; subclasses name the courier."""

    client_class = None
    fake_class = None
    credentials = {}
    event_code = ""  # a real "picked up" code of the courier
    timeout = 10.0  # seconds, for the calls a test expects answered
    short_timeout = 0.5  # for the call a test makes the courier answer late
    late_answer = 1.0  # the fake answers that much after the short timeout

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = cls.fake_class().start()
        cls.addClassCleanup(cls.fake.stop)

    def setUp(self):
        super().setUp()
        self.fake.reset()
        self.fake.timeout_sleep = self.short_timeout + self.late_answer
        self.exchanges = []
        self.client = self.make_client()

    def make_client(self, timeout=None, **credentials):
        return self.client_class(
            self.fake.url,
            {**self.credentials, **credentials},
            timeout=timeout or self.timeout,
            on_exchange=lambda *args: self.exchanges.append(args),
        )

    def request(self, reference="WH/OUT/00042", cod=0.0):
        return ShipmentRequest(
            reference=reference,
            idempotency_key=f"key-{reference}",
            recipient=Address(
                name="Ana Client",
                street="Str. Victoriei",
                street_no="12A",
                city="București",
                county="București",
                zip_code="010061",
                phone="+40721000111",
                email="ana@example.com",
            ),
            parcels=[Parcel(weight=1.4, length=30, width=20, height=10)],
            service=self.service,
            pickup_point=self.pickup_point,
            declared_value=250.0,
            currency="RON",
            cod_amount=cod,
            content="Earbuds",
            label_format="A6",
        )

    service = ""
    pickup_point = ""

    def sent_cod(self):
        """The COD amount the fake received in the creation request."""
        raise NotImplementedError

    # -- scenarios ---------------------------------------------------------

    def test_create_with_cod_and_label(self):
        """A shipment with cash on delivery gets an AWB, a price and a PDF label."""
        result = self.client.create_shipment(self.request(cod=312.5))
        self.assertTrue(result.awb)
        self.assertIn(result.awb, self.fake.shipments)
        self.assertEqual(self.sent_cod(), 312.5)
        self.assertTrue(result.label.startswith(b"%PDF-"))
        self.assertIn(b"%%EOF", result.label[-64:])
        self.assertTrue(result.tracking_url)

    def test_tracking_events_parsed(self):
        """Tracking returns the courier's raw codes with aware UTC times."""
        result = self.client.create_shipment(self.request())
        when = datetime(2026, 11, 20, 14, 30)
        self.fake.add_event(result.awb, self.event_code, "Picked up", "Bucuresti", when)
        events = self.client.track([result.awb])[result.awb]
        picked = [event for event in events if event.code == self.event_code]
        self.assertEqual(len(picked), 1)
        self.assertEqual(picked[0].location, "Bucuresti")
        # 14:30 in Bucharest (EET, UTC+2 in November) is 12:30 UTC.
        self.assertEqual(
            picked[0].time, datetime(2026, 11, 20, 12, 30, tzinfo=timezone.utc)
        )

    def test_bulk_tracking(self):
        """Several AWBs are tracked in one call."""
        first = self.client.create_shipment(self.request("WH/OUT/1")).awb
        second = self.client.create_shipment(self.request("WH/OUT/2")).awb
        self.fake.add_event(second, self.event_code, "Picked up")
        events = self.client.track([first, second])
        self.assertEqual(set(events), {first, second})
        self.assertIn(self.event_code, [event.code for event in events[second]])

    def test_cancel(self):
        """A shipment not yet picked up can be cancelled."""
        awb = self.client.create_shipment(self.request()).awb
        self.client.cancel(awb)
        self.assertIn(awb, self.fake.cancelled)

    def test_cancel_after_pickup_refused(self):
        """A picked-up shipment cannot be cancelled: the courier says why."""
        awb = self.client.create_shipment(self.request()).awb
        self.fake.add_event(awb, self.event_code, "Picked up")
        with self.assertRaises(CourierError):
            self.client.cancel(awb)
        self.assertNotIn(awb, self.fake.cancelled)

    def test_token_expiry_relogin_once(self):
        """An expired token leads to exactly one new login, then success."""
        self.client.create_shipment(self.request("WH/OUT/1"))
        logins = self.fake.login_count
        self.fake.fail_next("expire_token")
        self.client.create_shipment(self.request("WH/OUT/2"))
        self.assertEqual(self.fake.login_count, logins + (1 if self.uses_tokens else 0))

    uses_tokens = True

    def test_wrong_credentials(self):
        """Wrong credentials raise CourierAuthError without looping."""
        client = self.make_client(password="wrong")
        with self.assertRaises(CourierAuthError):
            client.create_shipment(self.request())
        self.assertLessEqual(len(self.fake.requests), 3)
        self.assertFalse(self.fake.shipments)

    def test_error_in_200_surfaced(self):
        """An error the courier puts inside a successful reply reaches the caller."""
        self.fake.fail_next("error_in_200")
        with self.assertRaises(CourierError) as caught:
            self.client.create_shipment(self.request())
        self.assertNotIsInstance(caught.exception, CourierTimeout)
        self.assertTrue(caught.exception.message)
        self.assertFalse(self.fake.shipments)

    def test_timeout_then_found_by_reference(self):
        """After a timeout the shipment the courier did create is found by reference."""
        self.fake.fail_next("timeout_after_create")
        started = datetime.now(timezone.utc) - timedelta(minutes=1)
        impatient = self.make_client(timeout=self.short_timeout)
        with self.assertRaises(CourierTimeout):
            impatient.create_shipment(self.request("WH/OUT/00077"))
        self.assertEqual(len(self.fake.shipments), 1)
        found = self.client.find_shipment("WH/OUT/00077", created_after=started)
        self.assertIsNotNone(found)
        self.assertEqual(found.awb, next(iter(self.fake.shipments)))
        self.assertIsNone(
            self.client.find_shipment("WH/OUT/99999", created_after=started)
        )

    def test_server_error_is_retryable(self):
        """A 5xx answer raises CourierUnavailable, marked retryable."""
        self.client.find_shipment("warm-up")  # log in first
        self.fake.fail_next("http_500")
        with self.assertRaises(CourierUnavailable) as caught:
            self.client.create_shipment(self.request())
        self.assertTrue(caught.exception.retryable)

    labels_again = True  # the label can be fetched again after creation

    def test_job_after_lost_answer_adopts_the_shipment(self):
        """A job planned after an attempt that got no answer finds the shipment
        that attempt created (with its label when the courier gives it again)
        and creates none."""
        attempted_at = datetime.now(timezone.utc)
        created = self.client.create_shipment(self.request("WH/OUT/00088"))
        previous = PreviousAttempt(
            state=UNKNOWN, idempotency_key="key-88", attempted_at=attempted_at
        )
        job = ShipmentJob(
            delivery_id=88,
            request=self.request("WH/OUT/00088"),
            plan=Plan.after(previous, datetime.now(timezone.utc), self.timeout),
            client=self.make_client(),
        )
        outcome = send(job)
        self.assertTrue(outcome.ok)
        self.assertTrue(outcome.recovered)
        self.assertEqual(outcome.result.awb, created.awb)
        self.assertEqual(list(self.fake.shipments), [created.awb])
        if self.labels_again:
            self.assertTrue(outcome.result.label.startswith(b"%PDF-"))

    def test_exchanges_recorded_without_secrets(self):
        """Every exchange is reported, with the password redacted."""
        self.client.create_shipment(self.request())
        self.assertTrue(self.exchanges)
        password = self.credentials["password"]
        for _method, _url, sent, _status, _received, duration in self.exchanges:
            self.assertNotIn(f'"{password}"', sent)
            self.assertGreaterEqual(duration, 0)


class FanCourierContract(CourierContract):
    client_class = FanCourierClient
    fake_class = FakeFanCourier
    credentials = {"username": "demo", "password": "demo-pass", "client_id": "7032158"}
    event_code = "C0"
    service = "Standard"

    def sent_cod(self):
        body = json.loads(self.fake.requests_to("intern-awb")[-1].body)
        return body["shipments"][0]["info"]["cod"]


class SamedayContract(CourierContract):
    client_class = SamedayClient
    fake_class = FakeSameday
    credentials = {"username": "demo", "password": "demo-pass"}
    event_code = "4"
    service = "7"
    pickup_point = "1234"

    def sent_cod(self):
        creation = [r for r in self.fake.requests if r.path == "/api/awb"][-1]
        form = parse_qs(creation.body.decode())
        return float(form["cashOnDelivery"][0])

    def test_delta_sync(self):
        """Status changes come back from the status-sync window."""
        awb = self.client.create_shipment(self.request()).awb
        self.fake.add_event(awb, "4", "Colet preluat de curier")
        now = datetime.now(timezone.utc)
        events = self.client.track_delta(
            now - timedelta(hours=3), now + timedelta(minutes=1)
        )
        self.assertIn(("4", awb), [(event.code, event.awb) for event in events])


class CargusContract(CourierContract):
    client_class = CargusClient
    fake_class = FakeCargus
    credentials = {
        "username": "demo",
        "password": "demo-pass",
        "subscription_key": "demo-subscription-key",
        "location_id": "201",
    }
    event_code = "2"

    def sent_cod(self):
        return json.loads(self.fake.requests_to("Awbs/WithGetAwb")[-1].body)[
            "CashRepayment"
        ]

    def test_label_is_base64_on_the_wire(self):
        """Cargus sends labels as a base64 JSON string; the client decodes it."""
        awb = self.client.create_shipment(self.request()).awb
        self.assertTrue(self.client.get_label(awb, "A4").startswith(b"%PDF-"))


class GlsContract(CourierContract):
    client_class = GlsClient
    fake_class = FakeGls
    credentials = {
        "username": "demo",
        "password": "demo-pass",
        "client_number": "100000001",
    }
    event_code = "2"
    uses_tokens = False  # GLS sends the password digest in every request

    def sent_cod(self):
        body = self.fake.requests_to("ParcelService.svc/soap")[0].body.decode()
        start = body.index("CODAmount>") + len("CODAmount>")
        return float(body[start : body.index("<", start)])

    labels_again = False  # GLS prints a label once

    def test_cancel_with_the_parcel_id_of_the_awb(self):
        """The ParcelId returned with the AWB cancels the parcel, in one call."""
        result = self.client.create_shipment(self.request())
        self.assertTrue(result.shipment_id)
        before = len(self.fake.requests)
        self.client.cancel(result.awb, shipment_id=result.shipment_id)
        self.assertIn(result.awb, self.fake.cancelled)
        self.assertEqual(len(self.fake.requests), before + 1)

    def test_password_sent_as_sha512_digest(self):
        """The password travels as the base64 of its SHA-512 digest, never in clear."""
        self.client.create_shipment(self.request())
        body = self.fake.requests_to("ParcelService.svc/soap")[0].body.decode()
        digest = base64.b64encode(hashlib.sha512(b"demo-pass").digest()).decode()
        self.assertIn(digest, body)
        self.assertNotIn("demo-pass", body)


class LabelDecodingContract:
    def test_encodings(self):
        """Raw PDF bytes, base64 text and JSON byte arrays all decode to the PDF."""
        pdf = b"%PDF-1.4 test %%EOF"
        self.assertEqual(decode_label(pdf), pdf)
        self.assertEqual(decode_label(base64.b64encode(pdf).decode()), pdf)
        self.assertEqual(decode_label(json.dumps(base64.b64encode(pdf).decode())), pdf)
        self.assertEqual(decode_label(json.dumps(list(pdf))), pdf)
        with self.assertRaises(CourierError):
            decode_label("not a label")


class ShipmentPlanContract:
    """How the next attempt to get an AWB follows the last one."""

    now = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
    timeout = 30.0

    def previous(self, state, seconds_ago=3600, awb=""):
        return PreviousAttempt(
            state=state,
            idempotency_key="key-1",
            attempted_at=self.now - timedelta(seconds=seconds_ago),
            result=ShipmentResult(awb=awb) if awb else None,
        )

    def test_first_or_refused_attempt_creates(self):
        """Without an attempt, or after a refusal, the shipment is created anew."""
        for previous in (None, self.previous(FAILED)):
            plan = Plan.after(previous, self.now, self.timeout)
            self.assertIsNone(plan.look_up_since)
            self.assertFalse(plan.known_awb)
            self.assertNotEqual(plan.idempotency_key, "key-1")

    def test_unanswered_attempt_looks_up_first(self):
        """After an attempt that got no answer (or never recorded one), the
        shipment is looked up from before that attempt, with the same key."""
        for state in (UNKNOWN, SENDING):
            previous = self.previous(state)
            plan = Plan.after(previous, self.now, self.timeout)
            self.assertLess(plan.look_up_since, previous.attempted_at)
            self.assertEqual(plan.idempotency_key, "key-1")
            self.assertFalse(plan.known_awb)

    def test_created_attempt_adopts_its_awb(self):
        """An AWB the courier gave but nobody booked is adopted."""
        plan = Plan.after(self.previous(SENT, awb="2000123"), self.now, self.timeout)
        self.assertEqual(plan.known_awb, "2000123")
        self.assertTrue(plan.look_up_since)

    def test_attempt_in_flight_refused(self):
        """While an attempt may still be waiting for the courier, no other starts."""
        with self.assertRaises(ShipmentInFlight):
            Plan.after(self.previous(SENDING, seconds_ago=5), self.now, self.timeout)

    def test_kept_answer_needs_the_label(self):
        """Only an answer with its label is booked without calling the courier."""
        previous = self.previous(SENT, awb="2000123")
        self.assertFalse(previous.answer_kept)
        previous.result.label = b"%PDF-1.4"
        self.assertTrue(previous.answer_kept)

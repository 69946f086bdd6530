import json
import time

from odoo.tests import HttpCase, tagged

from odoo.addons.order_fulfilment.controllers.courier_webhook import sign

from .common import FulfilmentCommon


@tagged("post_install", "-at_install")
class TestCourierWebhook(FulfilmentCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Pushing courier",
                "delivery_type": "fan_courier",
                "integration_level": "rate",
                "product_id": cls.env["product.product"]
                .create({"name": "Shipping", "type": "service"})
                .id,
                "fulfilment_webhook_secret": "s3cret-webhook",
            }
        )
        cls.order = cls._create_order(carrier_id=cls.carrier.id)
        cls.order.action_confirm()
        cls.picking = cls.order.picking_ids
        cls.picking.carrier_tracking_ref = "2000000042"
        cls.url = f"/fulfilment/courier/{cls.carrier.id}/webhook"

    def _post(
        self,
        payload,
        secret="s3cret-webhook",
        timestamp=None,
        event_id="evt-1",
        signature=None,
        raw=None,
    ):
        body = raw if raw is not None else json.dumps(payload).encode()
        timestamp = str(timestamp or int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Fulfilment-Timestamp": timestamp,
        }
        if event_id:
            headers["X-Fulfilment-Event-Id"] = event_id
        if secret:
            headers["X-Fulfilment-Signature"] = signature or sign(
                secret, timestamp, event_id or "", body
            )
        return self.url_open(self.url, data=body, headers=headers)

    def _payload(self, code="C0"):
        return {
            "events": [
                {
                    "awb": "2000000042",
                    "code": code,
                    "description": "Ridicat de curier",
                    "location": "Bucuresti",
                    "time": "2026-11-20 10:00:00",
                }
            ]
        }

    def test_signed_delivery_accepted(self):
        """A signed delivery stores the event and moves the order to shipped."""
        response = self._post(self._payload())
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["accepted"], 1)
        event = self.picking.fulfilment_tracking_event_ids
        self.assertEqual(event.normalized_status, "picked_up")
        self.assertEqual(event.source, "webhook")
        self.assertEqual(self.order.fulfilment_status_id, self.status_shipping)

    def test_unsigned_rejected(self):
        """A delivery without signature is refused and changes nothing."""
        response = self._post(self._payload(), secret=None)
        self.assertEqual(response.status_code, 401)
        self.assertFalse(self.picking.fulfilment_tracking_event_ids)

    def test_wrong_signature_rejected(self):
        """A delivery signed with another secret is refused."""
        response = self._post(
            self._payload(), signature=sign("other", "1", "evt-1", b"x")
        )
        self.assertEqual(response.status_code, 401)
        self.assertFalse(self.picking.fulfilment_tracking_event_ids)

    def test_old_timestamp_rejected(self):
        """A correctly signed but old delivery is refused (replay window)."""
        response = self._post(self._payload(), timestamp=int(time.time()) - 3600)
        self.assertEqual(response.status_code, 401)
        self.assertFalse(self.picking.fulfilment_tracking_event_ids)

    def test_malformed_rejected(self):
        """A signed body that is not the expected JSON gets a 400."""
        response = self._post(None, raw=b'{"events": [{"awb": 1}]}')
        self.assertEqual(response.status_code, 400)
        response = self._post(None, raw=b"not json", event_id="evt-2")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.picking.fulfilment_tracking_event_ids)

    def _assert_refused_signed(self, body, event_id):
        """A correctly signed ``body`` is refused with a 400 and stores nothing
        (neither events nor the receipt of its event id)."""
        response = self._post(None, raw=body, event_id=event_id)
        self.assertEqual(response.status_code, 400, response.text)
        self.assertEqual(response.json()["message"], "malformed payload")
        self.assertFalse(self.picking.fulfilment_tracking_event_ids)
        self.assertFalse(
            self.env["fulfilment.webhook.receipt"].search(
                [("carrier_id", "=", self.carrier.id), ("event_id", "=", event_id)]
            )
        )

    def _with_event(self, **changes):
        payload = self._payload()
        payload["events"][0].update(changes)
        return json.dumps(payload).encode()

    def test_event_time_out_of_range_rejected(self):
        """Signed events dated in year 1 or year 9999 get a 400, not a 500."""
        self._assert_refused_signed(
            self._with_event(time="0001-01-01 00:00:00"), "evt-year-1"
        )
        self._assert_refused_signed(
            self._with_event(time="9999-12-31 23:59:59"), "evt-year-9999"
        )

    def test_nul_byte_in_awb_rejected(self):
        """A signed event whose AWB holds a NUL byte gets a 400, not a 500."""
        self._assert_refused_signed(self._with_event(awb="2000\x000042"), "evt-nul")

    def test_deeply_nested_json_rejected(self):
        """A signed body nested 20,000 levels deep gets a 400, not a 500."""
        depth = 20_000
        body = b'{"events": ' + b"[" * depth + b"]" * depth + b"}"
        self._assert_refused_signed(body, "evt-deep")

    def test_huge_numeric_event_time_rejected(self):
        """A signed event whose time is a 5,000-digit number gets a 400, not a
        500."""
        payload = json.dumps(self._payload()).replace(
            '"2026-11-20 10:00:00"', "9" * 5_000
        )
        self._assert_refused_signed(payload.encode(), "evt-digits")

    def test_oversized_body_rejected(self):
        """A signed body over 1 MB is refused with a 413 and stores nothing."""
        payload = self._payload()
        payload["events"][0]["description"] = "x" * (1024 * 1024)
        response = self._post(payload)
        self.assertEqual(response.status_code, 413)
        self.assertFalse(self.picking.fulfilment_tracking_event_ids)

    def test_replay_rejected(self):
        """The same delivery sent twice is accepted once."""
        self.assertEqual(self._post(self._payload()).status_code, 200)
        replay = self._post(self._payload("H3"))
        self.assertEqual(replay.status_code, 409)
        self.assertEqual(len(self.picking.fulfilment_tracking_event_ids), 1)

    def test_replay_under_new_event_id_rejected(self):
        """A captured delivery (body, timestamp and signature) sent again under
        another event id is refused: the signature covers the event id."""
        body = json.dumps(self._payload()).encode()
        timestamp = str(int(time.time()))
        signature = sign("s3cret-webhook", timestamp, "evt-1", body)
        self.assertEqual(
            self._post(
                None, raw=body, timestamp=timestamp, signature=signature
            ).status_code,
            200,
        )
        replay = self._post(
            None,
            raw=body,
            timestamp=timestamp,
            signature=signature,
            event_id="evt-2",
        )
        self.assertEqual(replay.status_code, 401)
        self.assertEqual(len(self.picking.fulfilment_tracking_event_ids), 1)
        self.assertEqual(
            self.env["fulfilment.webhook.receipt"].search_count(
                [("carrier_id", "=", self.carrier.id)]
            ),
            1,
        )

    def test_oversized_headers_rejected(self):
        """Headers longer than any genuine value (an event id of 10,000
        characters, a timestamp of 5,000 digits) are refused with a 400,
        whatever their signature, and nothing is stored."""
        huge_id = self._post(self._payload(), event_id="e" * 10_000)
        self.assertEqual(huge_id.status_code, 400)
        huge_time = self._post(self._payload(), timestamp="9" * 5_000)
        self.assertEqual(huge_time.status_code, 400)
        self.assertFalse(self.picking.fulfilment_tracking_event_ids)
        self.assertFalse(
            self.env["fulfilment.webhook.receipt"].search(
                [("carrier_id", "=", self.carrier.id)]
            )
        )

    def test_unknown_carrier(self):
        """A carrier without webhook secret does not exist for the outside."""
        self.carrier.fulfilment_webhook_secret = False
        self.assertEqual(self._post(self._payload()).status_code, 404)

    def test_portal_shows_tracking(self):
        """The customer's order page lists the parcel's tracking events."""
        self._post(self._payload())
        portal_user = self.env["res.users"].create(
            {
                "name": "Ana Portal",
                "login": "ana_portal_tracking",
                "password": "ana_portal_tracking",
                "partner_id": self.customer.id,
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        self.authenticate(portal_user.login, "ana_portal_tracking")
        response = self.url_open(f"/my/orders/{self.order.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("fulfilment_tracking", response.text)
        self.assertIn("Ridicat de curier", response.text)

import hashlib
import hmac
import json
import logging
import time

import psycopg2

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..couriers import TrackingEvent
from ..couriers.base import CourierError, parse_local_time

_logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Fulfilment-Signature"
TIMESTAMP_HEADER = "X-Fulfilment-Timestamp"
EVENT_ID_HEADER = "X-Fulfilment-Event-Id"
MAX_CLOCK_SKEW = 300  # seconds a signed delivery stays acceptable


def sign(secret, timestamp, body):
    """The signature a sender puts in X-Fulfilment-Signature."""
    digest = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return f"sha256={digest}"


class CourierWebhook(http.Controller):
    @http.route(
        "/fulfilment/courier/<int:carrier_id>/webhook",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def courier_webhook(self, carrier_id, **kwargs):
        """Tracking events pushed by a courier or an intermediary.

        Signed with HMAC-SHA256 of "<timestamp>.<body>" under the carrier's
        webhook secret; a delivery is accepted once, within five minutes.
        Body: {"events": [{"awb", "code", "description", "location", "time"}]}
        """
        # Events come from outside: recorded as the system (OdooBot).
        env = request.env(user=SUPERUSER_ID, su=True)
        carrier = env["delivery.carrier"].browse(carrier_id).exists()
        secret = carrier.fulfilment_webhook_secret if carrier else None
        if not secret:
            return self._reply(404, "unknown webhook")
        body = request.httprequest.get_data()
        timestamp = request.httprequest.headers.get(TIMESTAMP_HEADER, "")
        signature = request.httprequest.headers.get(SIGNATURE_HEADER, "")
        event_id = request.httprequest.headers.get(EVENT_ID_HEADER, "")
        if not timestamp.isdigit() or not signature:
            return self._reply(401, "missing signature")
        if not hmac.compare_digest(sign(secret, timestamp, body), signature):
            return self._reply(401, "bad signature")
        if abs(time.time() - int(timestamp)) > MAX_CLOCK_SKEW:
            return self._reply(401, "expired delivery")
        if not event_id:
            return self._reply(400, "missing event id")
        try:
            payload = json.loads(body)
            events = [
                TrackingEvent(
                    awb=str(item["awb"]),
                    code=str(item["code"]),
                    description=str(item.get("description") or ""),
                    location=str(item.get("location") or ""),
                    time=parse_local_time(item["time"]),
                    raw=item,
                )
                for item in payload["events"]
            ]
        except (ValueError, KeyError, TypeError, CourierError):
            return self._reply(400, "malformed payload")
        try:
            with env.cr.savepoint():
                env["fulfilment.webhook.receipt"].create(
                    {"carrier_id": carrier.id, "event_id": event_id}
                )
        except psycopg2.IntegrityError:
            return self._reply(409, "already received")
        pickings = env["stock.picking"].search(
            [
                ("carrier_id", "=", carrier.id),
                ("carrier_tracking_ref", "in", list({event.awb for event in events})),
            ]
        )
        by_awb = {picking.carrier_tracking_ref: picking for picking in pickings}
        created = env["fulfilment.tracking.event"]._store(
            by_awb, events, source="webhook"
        )
        unknown = sorted({event.awb for event in events if event.awb not in by_awb})
        return self._reply(200, "ok", accepted=len(created), unknown_awbs=unknown)

    @staticmethod
    def _reply(status, message, **extra):
        return request.make_json_response({"message": message, **extra}, status=status)

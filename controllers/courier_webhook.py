import hashlib
import hmac
import json
import logging
import time
from datetime import datetime, timedelta, timezone

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
# Longest accepted value of each header: a Unix time in seconds, an event id,
# "sha256=" and 64 hex digits.
MAX_TIMESTAMP_LENGTH = 12
MAX_EVENT_ID_LENGTH = 128
MAX_SIGNATURE_LENGTH = 71
MAX_BODY_SIZE = 1024 * 1024  # bytes: thousands of events
# Longest accepted text of an event's fields (an AWB, a status code...).
MAX_FIELD_LENGTHS = {"awb": 64, "code": 64, "description": 1000, "location": 500}
# Event times outside these bounds are no courier's: the earliest, and how
# far ahead of the server's clock (couriers' clocks drift).
EARLIEST_EVENT = datetime(2000, 1, 1, tzinfo=timezone.utc)
MAX_EVENT_LEAD = timedelta(days=1)


class MalformedPayload(ValueError):
    """A signed body that is not the events this webhook takes."""


def _text(item, key, required=True):
    """The text of ``item[key]``: a string or a number, of bounded length,
    without control characters (PostgreSQL refuses NUL bytes in texts)."""
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise MalformedPayload(f"{key} missing")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise MalformedPayload(f"{key} is not a text")
    text = str(value)
    if len(text) > MAX_FIELD_LENGTHS[key] or not text.isprintable():
        raise MalformedPayload(f"{key} too long or not printable")
    return text


def parse_events(body, now):
    """The ``TrackingEvent`` list of a webhook body.

    :raise MalformedPayload: the body is not {"events": [...]} with each event
        readable: its texts bounded and printable, its time a date between
        2000 and a day after ``now``
    """
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as exc:
        # RecursionError: JSON nested deeper than Python's parser goes.
        raise MalformedPayload("not JSON") from exc
    items = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(items, list):
        raise MalformedPayload("no list of events")
    events = []
    for item in items:
        if not isinstance(item, dict):
            raise MalformedPayload("an event is not an object")
        moment = item.get("time")
        if not isinstance(moment, str) or len(moment) > 40:
            raise MalformedPayload("time is not a date")
        try:
            moment = parse_local_time(moment)
        except (CourierError, OverflowError) as exc:
            raise MalformedPayload("time is not a date") from exc
        if not EARLIEST_EVENT <= moment <= now + MAX_EVENT_LEAD:
            raise MalformedPayload("time out of range")
        events.append(
            TrackingEvent(
                awb=_text(item, "awb"),
                code=_text(item, "code"),
                description=_text(item, "description", required=False),
                location=_text(item, "location", required=False),
                time=moment,
                raw=item,
            )
        )
    return events


def sign(secret, timestamp, event_id, body):
    """The signature a sender puts in X-Fulfilment-Signature: HMAC-SHA256 of
    "<timestamp>.<event id>.<body>", so that neither the time nor the event
    id of a signed delivery can be changed."""
    digest = hmac.new(
        secret.encode(), f"{timestamp}.{event_id}.".encode() + body, hashlib.sha256
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

        Signed with HMAC-SHA256 of "<timestamp>.<event id>.<body>" under the
        carrier's webhook secret; a delivery (its event id) is accepted once,
        within five minutes.
        Body: {"events": [{"awb", "code", "description", "location", "time"}]}
        """
        # Events come from outside: recorded as the system (OdooBot).
        env = request.env(user=SUPERUSER_ID, su=True)
        carrier = env["delivery.carrier"].browse(carrier_id).exists()
        secret = carrier.fulfilment_webhook_secret if carrier else None
        if not secret:
            return self._reply(404, "unknown webhook")
        if (request.httprequest.content_length or 0) > MAX_BODY_SIZE:
            return self._reply(413, "body too large")
        body = request.httprequest.get_data()
        if len(body) > MAX_BODY_SIZE:
            return self._reply(413, "body too large")
        timestamp = request.httprequest.headers.get(TIMESTAMP_HEADER, "")
        signature = request.httprequest.headers.get(SIGNATURE_HEADER, "")
        event_id = request.httprequest.headers.get(EVENT_ID_HEADER, "")
        if (
            len(timestamp) > MAX_TIMESTAMP_LENGTH
            or len(event_id) > MAX_EVENT_ID_LENGTH
            or len(signature) > MAX_SIGNATURE_LENGTH
        ):
            return self._reply(400, "header too long")
        if not timestamp.isdigit() or not signature:
            return self._reply(401, "missing signature")
        if not event_id or not event_id.isprintable():
            return self._reply(400, "missing event id")
        if not hmac.compare_digest(
            sign(secret, timestamp, event_id, body).encode(), signature.encode()
        ):
            return self._reply(401, "bad signature")
        if abs(time.time() - int(timestamp)) > MAX_CLOCK_SKEW:
            return self._reply(401, "expired delivery")
        try:
            events = parse_events(body, datetime.now(timezone.utc))
        except MalformedPayload as exc:
            _logger.info("Courier webhook of %s: malformed payload (%s)", carrier, exc)
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

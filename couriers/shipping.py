"""Getting a delivery's AWB from its courier, without a database.

The Odoo side (``delivery.carrier``, ``models/delivery_carrier_shipment.py``)
reads the delivery and its last attempt, asks ``Plan.after`` what to do,
records the attempt, runs the jobs here (several at once for a batch) and
books the outcomes. Nothing here touches a database or imports Odoo, so the
jobs can run in threads.

Never two AWBs for one parcel: an attempt that may have reached the courier
(no answer in time, or a crash before its answer was recorded) makes the next
one look the shipment up by the delivery's reference before creating anything.
"""

import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import requests

from .base import (
    CourierClient,
    CourierError,
    CourierTimeout,
    MemoryTokenStore,
    ShipmentRequest,
    ShipmentResult,
)

_logger = logging.getLogger(__name__)

# States of a shipment attempt (``fulfilment.shipment.attempt.state``).
SENDING = "sending"
UNKNOWN = "unknown"
SENT = "sent"
FAILED = "failed"
CANCELLED = "cancelled"

# A shipment found by reference may have been created shortly before its
# attempt was recorded (clocks differ): look that far back.
LOOKUP_MARGIN = timedelta(minutes=10)


class ShipmentInFlight(Exception):
    """An earlier call for this delivery may still be waiting for the courier."""


@dataclass
class PreviousAttempt:
    """The last attempt recorded for a delivery."""

    state: str
    idempotency_key: str
    attempted_at: datetime  # aware (UTC)
    # What the courier answered, when the state is "sent".
    result: ShipmentResult = None
    cod_amount: float = 0.0
    recovered: bool = False

    def in_flight(self, now, timeout):
        """Whether the call of this attempt may still be running: two timeouts
        (create and label) and a margin after it started."""
        window = timedelta(seconds=2 * timeout + 10)
        return self.state == SENDING and self.attempted_at > now - window

    @property
    def answer_kept(self):
        """Whether the courier's whole answer (AWB and label) is kept: booking it
        needs no further call to the courier."""
        return (
            self.state == SENT
            and self.result is not None
            and bool(self.result.awb)
            and bool(self.result.label)
        )


@dataclass
class Plan:
    """How to get the AWB: create the shipment, or first look up the one an
    earlier attempt may have created."""

    idempotency_key: str
    look_up_since: datetime = None
    # The courier said it created this AWB, but it was never booked.
    known_awb: str = ""

    @classmethod
    def after(cls, previous, now, timeout):
        """The plan following ``previous`` (a ``PreviousAttempt`` or None).

        :param now: aware datetime
        :param timeout: the courier's timeout in seconds
        :raise ShipmentInFlight: when the previous call may still be running
        """
        if previous is None or previous.state not in (SENDING, UNKNOWN, SENT):
            return cls(idempotency_key=uuid.uuid4().hex)
        if previous.in_flight(now, timeout):
            raise ShipmentInFlight()
        return cls(
            idempotency_key=previous.idempotency_key,
            look_up_since=previous.attempted_at - LOOKUP_MARGIN,
            known_awb=previous.result.awb
            if previous.state == SENT and previous.result
            else "",
        )


@dataclass
class ShipmentJob:
    """One delivery's call to its courier."""

    delivery_id: int
    request: ShipmentRequest
    plan: Plan
    client: CourierClient = None
    # (method, url, sent, status, received, duration) of every HTTP exchange
    exchanges: list = field(default_factory=list)

    def record_exchange(self, *exchange):
        """The client's ``on_exchange`` callback."""
        self.exchanges.append(exchange)


@dataclass
class ShipmentOutcome:
    """What came of a job: the courier's answer, or why there is none."""

    job: ShipmentJob
    result: ShipmentResult = None
    error: CourierError = None
    # The AWB was created by an earlier attempt whose answer was lost.
    recovered: bool = False

    @property
    def ok(self):
        return self.error is None

    @property
    def uncertain(self):
        """No AWB came back, yet the courier may have created the shipment."""
        return isinstance(self.error, CourierTimeout)


@dataclass
class Connection:
    """The HTTP session and token that the calls to one courier account share
    (one TCP/TLS handshake and one login per batch, not per parcel)."""

    session: requests.Session
    token_store: MemoryTokenStore
    initial_token: tuple = None

    @classmethod
    def open(cls, token=None, pool_size=1):
        """A connection starting from a stored ``(token, expires_at)``.

        :param pool_size: how many calls may use it at the same time
        """
        session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(
            pool_connections=pool_size, pool_maxsize=pool_size
        )
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        token_store = MemoryTokenStore()
        if token:
            token_store.set(*token)
        return cls(session, token_store, token_store.get())

    def renewed_token(self):
        """The ``(token, expires_at)`` obtained by the calls, if it changed."""
        token = self.token_store.get()
        return token if token and token != self.initial_token else None

    def close(self):
        self.session.close()


def send(job):
    """Run one job: look the shipment up when the plan says so, else create it.

    :return: a ``ShipmentOutcome``; courier errors are returned, not raised
    """
    client, request, plan = job.client, job.request, job.plan
    try:
        if plan.look_up_since:
            found = client.find_shipment(
                request.reference, created_after=plan.look_up_since
            )
            if plan.known_awb and (found is None or found.awb != plan.known_awb):
                found = ShipmentResult(awb=plan.known_awb)
            if found:
                return ShipmentOutcome(
                    job, _with_label(client, found, request), recovered=True
                )
        return ShipmentOutcome(job, client.create_shipment(request))
    except CourierError as exc:
        return ShipmentOutcome(job, error=exc)


def send_all(jobs, concurrency):
    """Run the jobs, ``concurrency`` at a time; outcomes in the jobs' order."""
    if len(jobs) <= 1:
        return [send(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(send, jobs))


def _with_label(client, result, request):
    """A found shipment comes without its label: fetch it if the courier can."""
    if result.label is None:
        try:
            result.label = client.get_label(result.awb, request.label_format)
        except CourierError as exc:
            _logger.info("Label of %s not fetched again: %s", result.awb, exc.message)
    return result

"""Getting a delivery's AWB from its courier, without a database.

The Odoo side (``delivery.carrier``, ``models/delivery_carrier_shipment.py``)
reads the delivery and its last attempt, asks ``Plan.after`` what to do,
records the attempt, runs the jobs here (several at once for a batch) and
books the outcomes. Nothing here touches a database or imports Odoo, so the
jobs can run in threads.

A job has two steps: getting the AWB (creating the shipment, or finding the
one an earlier attempt created), then its label. The caller is handed the AWB
as soon as the courier gives it (``on_answer``), before the label is asked
for: a label that fails leaves the AWB known, and the label is fetched again
later on its own.

Never two AWBs for one parcel: an attempt that may have reached the courier
(no answer in time, a 5xx, a connection cut after the request was sent, or a
crash before its answer was recorded) makes the next one look the shipment up
by the delivery's reference before creating anything. Only a clear refusal
from the courier lets the next attempt create at once.
"""

import logging
import uuid
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import requests

from .base import (
    CourierClient,
    CourierError,
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
        """Whether the courier's answer is kept: booking its AWB needs no
        further call to the courier (a missing label is fetched on its own)."""
        return self.state == SENT and self.result is not None and bool(self.result.awb)


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
    # The shipment an earlier attempt may have created was not looked up.
    lookup_failed: bool = False
    # Why the AWB came without its label (it is fetched again on its own).
    label_error: CourierError = None
    # The answer was recorded as it came, label included: nothing to add.
    kept: bool = False

    @property
    def ok(self):
        return self.error is None

    @property
    def uncertain(self):
        """No AWB came back, yet the courier may hold a shipment for the
        delivery: the error came after the creation request left the machine
        without a clear refusal, or the lookup of an earlier attempt's
        shipment failed."""
        return not self.ok and (self.lookup_failed or self.error.maybe_done)


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


def send(job, on_answer=None):
    """Run one job: get the AWB (look the shipment up when the plan says so,
    else create it), then its label.

    :param on_answer: called with the ``ShipmentOutcome`` as soon as the
        courier answered about the AWB, before the label is asked for
    :return: a ``ShipmentOutcome``; courier errors are returned, not raised
    """
    outcome = _obtain(job)
    if on_answer:
        on_answer(outcome)
    return _fetch_label(outcome)


def send_all(jobs, concurrency, on_answers=None):
    """Run the jobs, ``concurrency`` at a time; outcomes in the jobs' order.

    :param on_answers: called in the calling thread with a list of
        ``ShipmentOutcome`` as soon as their couriers answered about the AWB,
        before their labels are asked for: each call hands over every answer
        that came while the previous call ran, so that they are recorded
        together without waiting for any other
    """
    if len(jobs) <= 1:
        return [
            send(job, (lambda outcome: on_answers([outcome])) if on_answers else None)
            for job in jobs
        ]
    outcomes = {}
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        obtaining = {pool.submit(_obtain, job): index for index, job in enumerate(jobs)}
        labelling = {}
        pending = set(obtaining)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            answered = [(future, future.result()) for future in done]
            if on_answers:
                on_answers([outcome for _future, outcome in answered])
            for future, outcome in answered:
                labelling[pool.submit(_fetch_label, outcome)] = obtaining[future]
        for future in as_completed(labelling):
            outcomes[labelling[future]] = future.result()
    return [outcomes[index] for index in range(len(jobs))]


def _obtain(job):
    """The AWB of a job: the shipment an earlier attempt created, else a new one."""
    client, request, plan = job.client, job.request, job.plan
    if plan.look_up_since:
        try:
            found = client.find_shipment(
                request.reference, created_after=plan.look_up_since
            )
        except CourierError as exc:
            return ShipmentOutcome(job, error=exc, lookup_failed=True)
        except Exception:  # an answer the client could not read
            _logger.exception("Lookup answer of %s not read", request.reference)
            return ShipmentOutcome(
                job,
                error=CourierError(
                    f"{client.name} gave a list that could not be read.",
                    maybe_done=True,
                ),
                lookup_failed=True,
            )
        if plan.known_awb and (found is None or found.awb != plan.known_awb):
            found = ShipmentResult(awb=plan.known_awb)
        if found:
            return ShipmentOutcome(job, found, recovered=True)
    try:
        return ShipmentOutcome(job, client.create_shipment(request))
    except CourierError as exc:
        return ShipmentOutcome(job, error=exc)
    except Exception:  # an answer the client could not read
        _logger.exception("Creation answer of %s not read", request.reference)
        return ShipmentOutcome(
            job,
            error=CourierError(
                f"{client.name} gave an answer that could not be read.",
                maybe_done=True,
            ),
        )


def _fetch_label(outcome):
    """The outcome with its AWB's label, or with why the label did not come."""
    if not outcome.ok or outcome.result.label:
        return outcome
    try:
        outcome.result.label = outcome.job.client.get_label(
            outcome.result.awb, outcome.job.request.label_format
        )
    except CourierError as exc:
        _logger.info("Label of %s not fetched: %s", outcome.result.awb, exc.message)
        outcome.label_error = exc
    except Exception:  # a label the client could not read
        _logger.exception("Label of %s not read", outcome.result.awb)
        outcome.label_error = CourierError(
            f"{outcome.job.client.name} gave a label that could not be read."
        )
    return outcome

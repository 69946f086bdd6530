"""Courier-neutral shipment model and the HTTP plumbing every client shares.

Nothing here imports Odoo: the clients are plain Python, tested on their own
against local fake servers that speak each courier's wire format.
"""

import base64
import binascii
import contextlib
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import requests
import urllib3

_logger = logging.getLogger(__name__)

BUCHAREST = ZoneInfo("Europe/Bucharest")
DEFAULT_TIMEOUT = 30.0  # seconds, for connecting and for each read
# Keys whose values are never recorded in the exchanges with the couriers.
SECRET_KEY_WORDS = ("password", "token", "secret", "subscription_key", "apikey")
# Credentials shorter than this are not searched for in recorded texts.
MIN_SECRET_LENGTH = 4


# ---------------------------------------------------------------------------
# Shipment model
# ---------------------------------------------------------------------------


@dataclass
class Address:
    name: str
    street: str = ""
    street_no: str = ""
    city: str = ""
    county: str = ""
    zip_code: str = ""
    country_code: str = "RO"
    phone: str = ""
    email: str = ""
    contact_name: str = ""
    company_name: str = ""
    locality_id: str = ""
    # The courier's own id of the county, when its nomenclature gives one.
    county_id: str = ""


@dataclass
class Parcel:
    weight: float  # kg
    length: float = 0.0  # cm
    width: float = 0.0
    height: float = 0.0


@dataclass
class ShipmentRequest:
    reference: str  # the shop's reference (picking or order name)
    recipient: Address
    parcels: list
    idempotency_key: str = ""
    sender: Address = None
    service: str = ""
    pickup_point: str = ""
    declared_value: float = 0.0
    currency: str = "RON"
    cod_amount: float = 0.0
    content: str = ""
    observation: str = ""
    label_format: str = "A4"  # "A4" or "A6" (10x15 thermal)
    payer: str = "sender"  # or "recipient"
    extra: dict = field(default_factory=dict)

    @property
    def total_weight(self):
        return round(sum(parcel.weight for parcel in self.parcels), 3) or 1.0


@dataclass
class ShipmentResult:
    awb: str
    price: float = 0.0
    currency: str = "RON"
    label: bytes = None
    parcel_numbers: list = field(default_factory=list)
    tracking_url: str = ""
    # The courier's own id of the shipment when it is not the AWB (GLS ParcelId):
    # kept with the AWB and handed back to ``cancel``.
    shipment_id: str = ""
    raw: object = None


@dataclass
class Quote:
    """What the courier would charge for a shipment, asked before any AWB."""

    price: float  # without VAT when the courier tells both
    currency: str = "RON"
    price_with_vat: float = 0.0  # 0 when the courier does not tell
    delivery_hours: int = 0  # the courier's delivery estimate; 0 when unknown
    raw: object = None


@dataclass
class CourierCounty:
    """A county as the courier's nomenclature has it."""

    id: str
    name: str
    code: str = ""  # the county's abbreviation (BV, CJ, B), when given


@dataclass
class CourierLocality:
    """A locality as the courier's nomenclature spells it."""

    id: str
    name: str
    county_id: str = ""
    postal_code: str = ""
    # The municipality a village belongs to (Cargus ParentName, Sameday village).
    parent_name: str = ""
    raw: object = None


@dataclass
class TrackingEvent:
    awb: str
    code: str
    description: str
    time: datetime
    location: str = ""
    raw: object = None


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


class CourierError(Exception):
    """The courier refused the request or answered something unusable.

    ``maybe_done`` says whether the courier may have done the work all the
    same: the request reached it and no clear refusal came back (no answer in
    time, a 5xx, a connection cut after the request was sent). Only a clear
    refusal (a 4xx or an error inside a 200, with the courier's message)
    leaves it False.
    """

    def __init__(self, message, code=None, retryable=False, raw=None, maybe_done=False):
        super().__init__(message)
        self.message = message
        self.code = code
        self.retryable = retryable
        self.raw = raw
        self.maybe_done = maybe_done


class CourierTimeout(CourierError):
    """No answer in time: the courier may or may not have done the work."""

    def __init__(self, message, raw=None):
        super().__init__(
            message, code="timeout", retryable=False, raw=raw, maybe_done=True
        )


class CourierUnavailable(CourierError):
    """The courier could not be reached, failed (5xx) or cut the connection.

    ``maybe_done`` is False only when the request never reached the courier
    (no connection could be opened); a 5xx or a connection cut after the
    request was sent may come after the work was done.
    """

    def __init__(self, message, code=None, raw=None, maybe_done=True):
        super().__init__(
            message, code=code, retryable=True, raw=raw, maybe_done=maybe_done
        )


class CourierAuthError(CourierError):
    """The credentials are wrong: retrying cannot help."""


# ---------------------------------------------------------------------------
# Token store
# ---------------------------------------------------------------------------


class MemoryTokenStore:
    """Keeps the token in the client; Odoo passes a store backed by the database.

    Clients sharing a store (the parallel calls of a batch) log in one at a
    time under its ``lock``, so one login serves them all.
    """

    def __init__(self):
        self._value = None
        self.lock = threading.Lock()

    def get(self):
        return self._value

    def set(self, token, expires_at):
        self._value = (token, expires_at) if token else None


# ---------------------------------------------------------------------------
# Client
# ---------------------------------------------------------------------------


def connection_never_opened(exc):
    """Whether a ``requests`` connection error happened before the request
    could leave the machine (no connection to the courier was opened)."""
    pending, seen = [exc], set()
    while pending:
        item = pending.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(
            item,
            urllib3.exceptions.NewConnectionError
            | urllib3.exceptions.ConnectTimeoutError,
        ):
            return True
        pending.extend(item.args)
        pending.extend(
            (getattr(item, "reason", None), item.__cause__, item.__context__)
        )
    return False


def is_pdf(data):
    return isinstance(data, bytes | bytearray) and bytes(data[:5]) == b"%PDF-"


def decode_label(payload):
    """PDF bytes from whatever encoding a courier uses for its labels.

    Raw PDF bytes, a base64 string (optionally JSON-quoted), or a JSON array of
    byte values all come back as the PDF's bytes.
    """
    if isinstance(payload, bytes | bytearray):
        if is_pdf(payload):
            return bytes(payload)
        payload = payload.decode("latin-1").strip()
    if isinstance(payload, list):
        data = bytes(payload)
    else:
        text = payload.strip()
        if text.startswith('"'):
            text = json.loads(text)
        if text.startswith("["):
            data = bytes(json.loads(text))
        else:
            try:
                data = base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise CourierError("The label is neither a PDF nor base64.") from exc
    if not is_pdf(data):
        raise CourierError("The courier did not return a PDF label.")
    return data


def parse_local_time(value, formats=("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")):
    """An aware UTC datetime from a courier's time; zone-less means Bucharest."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip().replace("Z", "+00:00")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
            for fmt in formats:
                try:
                    moment = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
            if moment is None:
                raise CourierError(
                    f"Unreadable date from the courier: {value}"
                ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BUCHAREST)
    return moment.astimezone(timezone.utc)


class CourierClient:
    """Base class of the courier clients.

    :param base_url: the API root (production, test, or a local fake)
    :param credentials: dict of the courier's credentials
    :param timeout: seconds for connecting and for each read
    :param session: a ``requests.Session`` to reuse connections
    :param token_store: object with ``get()`` and ``set(token, expires_at)``
    :param on_exchange: callback receiving every request and answer, redacted
    """

    name = "courier"
    supports_delta = False
    # The courier publishes a price API (``quote``) / its locality list
    # (``counties`` and ``localities``).
    supports_quote = False
    supports_localities = False
    token_lifetime = timedelta(hours=24)
    redact_keys = ("password", "Password", "token", "X-Auth-Password")

    def __init__(
        self,
        base_url,
        credentials,
        timeout=DEFAULT_TIMEOUT,
        session=None,
        token_store=None,
        on_exchange=None,
    ):
        self.base_url = base_url.rstrip("/") + "/"
        self.credentials = credentials
        self.timeout = timeout
        self.session = session or requests.Session()
        self.token_store = token_store or MemoryTokenStore()
        self.on_exchange = on_exchange

    # -- public interface -------------------------------------------------

    def create_shipment(self, request):
        raise NotImplementedError

    def find_shipment(self, reference, created_after=None):
        raise NotImplementedError

    def get_label(self, awb, label_format="A4"):
        raise NotImplementedError

    def track(self, awbs):
        raise NotImplementedError

    def track_delta(self, since, until):
        raise CourierError(f"{self.name} offers no tracking delta.")

    def cancel(self, awb, shipment_id=""):
        """Cancel the shipment ``awb``; ``shipment_id`` is the ``ShipmentResult``'s
        own id of it, for the couriers that address shipments by another id."""
        raise NotImplementedError

    def quote(self, request):
        """The courier's price of the ``ShipmentRequest``, before any AWB.

        :rtype: Quote
        """
        raise CourierError(f"{self.name} publishes no price API.", code="unsupported")

    def counties(self):
        """The counties of the courier's nomenclature (list of CourierCounty)."""
        raise CourierError(
            f"{self.name} publishes no locality list.", code="unsupported"
        )

    def localities(self, county):
        """The localities of a ``CourierCounty`` (list of CourierLocality)."""
        raise CourierError(
            f"{self.name} publishes no locality list.", code="unsupported"
        )

    def _result(self, awb, price=0.0, raw=None, label=None, parcel_numbers=None):
        """A ``ShipmentResult`` in the courier's currency, with its tracking link."""
        awb = str(awb)
        return ShipmentResult(
            awb=awb,
            price=float(price or 0.0),
            currency="RON",
            label=label,
            parcel_numbers=parcel_numbers or [awb],
            tracking_url=self.tracking_url(awb),
            raw=raw,
        )

    @classmethod
    def tracking_url(cls, awb):
        return ""

    # -- authentication ---------------------------------------------------

    def _login(self):
        """Return (token, expires_at) from the courier."""
        raise NotImplementedError

    def _token(self, rejected=None):
        """A valid token: the stored one unless expired or ``rejected`` by the
        courier, else a new login (one at a time per store)."""
        with getattr(self.token_store, "lock", None) or contextlib.nullcontext():
            stored = self.token_store.get()
            if stored:
                token, expires_at = stored
                if token != rejected and (
                    expires_at is None or expires_at > datetime.now(timezone.utc)
                ):
                    return token
            token, expires_at = self._login()
            self.token_store.set(token, expires_at)
            return token

    def _auth_headers(self, token):
        return {"Authorization": f"Bearer {token}"}

    # -- HTTP -------------------------------------------------------------

    def _url(self, path):
        return self.base_url + path.lstrip("/")

    def _send(self, method, path, headers=None, secret_answer=False, **kwargs):
        """One HTTP exchange with a timeout, recorded, errors normalised.

        :param secret_answer: the answer carries a secret (a login's token):
            it is not recorded
        """
        url = self._url(path)
        started = time.monotonic()
        try:
            response = self.session.request(
                method, url, headers=headers, timeout=self.timeout, **kwargs
            )
        except requests.exceptions.ConnectTimeout as exc:
            self._record(method, url, kwargs, None, str(exc), started)
            raise CourierUnavailable(
                f"{self.name}: connection timed out.", maybe_done=False
            ) from exc
        except requests.exceptions.Timeout as exc:
            self._record(method, url, kwargs, None, str(exc), started)
            raise CourierTimeout(f"{self.name} did not answer in time.") from exc
        except requests.exceptions.ConnectionError as exc:
            self._record(method, url, kwargs, None, str(exc), started)
            if connection_never_opened(exc):
                raise CourierUnavailable(
                    f"{self.name} could not be reached.", maybe_done=False
                ) from exc
            raise CourierUnavailable(
                f"{self.name} cut the connection before answering."
            ) from exc
        self._record(
            method,
            url,
            kwargs,
            response.status_code,
            f"<{len(response.content)} bytes, not kept: it holds a secret>"
            if secret_answer
            else response,
            started,
        )
        if response.status_code >= 500:
            raise CourierUnavailable(
                f"{self.name} failed (HTTP {response.status_code}).",
                code=str(response.status_code),
                raw=response.text[:2000],
            )
        return response

    def _request(self, method, path, authenticated=True, headers=None, **kwargs):
        """Send with the token; on 401/403 log in again once, never more."""
        headers = dict(headers or {})
        if not authenticated:
            return self._send(method, path, headers=headers, **kwargs)
        token = None
        for _attempt in (0, 1):
            token = self._token(rejected=token)
            response = self._send(
                method, path, headers={**headers, **self._auth_headers(token)}, **kwargs
            )
            if response.status_code not in (401, 403):
                return response
        raise CourierAuthError(
            f"{self.name} refused the credentials (HTTP {response.status_code}).",
            code=str(response.status_code),
            raw=response.text[:2000],
        )

    def _json(self, response):
        try:
            return response.json()
        except ValueError as exc:
            # Not the courier's words (a proxy's page, a cut answer): no
            # clear refusal, the work may be done.
            raise CourierError(
                f"{self.name} answered something that is not JSON "
                f"(HTTP {response.status_code}).",
                raw=response.text[:2000],
                maybe_done=True,
            ) from exc

    def _record(self, method, url, kwargs, status, response, started):
        if not self.on_exchange:
            return
        body = kwargs.get("json") or kwargs.get("data") or kwargs.get("params")
        text = response if isinstance(response, str) else None
        if text is None and response is not None:
            content_type = response.headers.get("Content-Type", "")
            text = (
                f"<{len(response.content)} bytes {content_type}>"
                if "pdf" in content_type or "octet" in content_type
                else self._redact_text(response.text)
            )
        self.on_exchange(
            method,
            url,
            self._hide_secrets(json.dumps(self._redact(body), default=str))[:4000]
            if body
            else "",
            status,
            self._hide_secrets(text or "")[:4000],
            time.monotonic() - started,
        )

    def _is_secret_key(self, key):
        lowered = str(key).lower()
        return key in self.redact_keys or any(
            word in lowered for word in SECRET_KEY_WORDS
        )

    def _redact(self, value):
        """``value`` with the values of its secret keys (passwords, tokens,
        keys) replaced, at any depth."""
        if isinstance(value, dict):
            return {
                key: "***" if self._is_secret_key(key) else self._redact(item)
                for key, item in value.items()
            }
        if isinstance(value, list | tuple):
            return [self._redact(item) for item in value]
        return value

    def _redact_text(self, text):
        """An answer's text with the values of its secret keys replaced."""
        try:
            payload = json.loads(text)
        except ValueError:
            return text
        if not isinstance(payload, dict | list):
            return text
        return json.dumps(self._redact(payload), ensure_ascii=False, default=str)

    def _hide_secrets(self, text):
        """``text`` with the credentials and the current token replaced, wherever
        they appear (an error message may echo them)."""
        secrets = [
            value
            for key, value in (self.credentials or {}).items()
            if self._is_secret_key(key) and isinstance(value, str)
        ]
        stored = self.token_store.get() if self.token_store else None
        if stored and stored[0]:
            secrets.append(str(stored[0]))
        for secret in sorted(secrets, key=len, reverse=True):
            if len(secret) >= MIN_SECRET_LENGTH:
                text = text.replace(secret, "***")
        return text

    # -- cash-on-delivery repayments ----------------------------------------

    # The courier publishes its COD repayment report through the API
    # (``cod_repayments``); without it the report's file is uploaded.
    supports_cod_report = False

    def cod_repayments(self, date_from, date_to):
        """The COD amounts the courier transferred to the shop between two
        dates (Bucharest calendar days, both included).

        :rtype: list of ``cod_report.CodRepayment``
        """
        raise CourierError(
            f"{self.name} publishes no repayment report API: upload the file "
            "exported from its portal.",
            code="unsupported",
        )

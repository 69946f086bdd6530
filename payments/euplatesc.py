"""EuPlatesc: card payment form with its ``fp_hash``, answers and refunds.

Public sources followed, per wire format:

- Signed fields and MAC: EuPlatesc's merchant manual "EuPlatesc.ro Gateway,
  Standard Merchant interface" v3.2 (24.08.2014), published in
  ``vanilophp/euplatesc`` ``docs/euplatesc_message_structure_v3.2.pdf``: the
  request signs ``amount, curr, invoice_id, order_desc, merch_id, timestamp,
  nonce`` (Table 1, that order); the answer signs ``amount, curr, invoice_id,
  ep_id, merch_id, action, message, approval, timestamp, nonce`` (Table 3);
  each value is prefixed with its decimal length and concatenated, then
  HMAC-MD5 under the hexadecimal merchant key ("Merchant MAC"; the manual's
  worked example's MAC source string is a unit test. Its printed result,
  ``340f3874...``, is not what HMAC-MD5 of that string under that key gives,
  with the key as bytes or as text; the vendor's own PHP ``euplatesc_mac`` /
  ``hmacsha1``, re-bundled in ``vanilophp/euplatesc`` ``src/Messages/Hash.php``,
  is plain RFC 2104 HMAC-MD5 with the key unpacked from hex, which is what this
  module computes).
  ``action`` 0 means approved. Timestamps are GMT ``YYYYMMDDHHMMSS``.
- Empty values hash as ``-``, byte lengths (PHP ``strlen``), upper-case hex,
  the sandbox/live form URLs, the extra ``sec_status`` field signed after
  ``nonce`` in the server notification, ``sec_status`` 8/9 = paid, a "pending"
  message kept pending: EuPlatesc's WooCommerce module
  (``oana03/euplatescwoo``, ``woocommerce_euplatesc_gateway.class.php``:
  ``euplatesc_mac``, ``getEndpoint``, ``check_euplatesc_response``).
- ``ExtraData[silenturl]`` / ``[successurl]`` / ``[failedurl]`` /
  ``[backtosite]`` and the refund web service (``POST
  https://manager.euplatesc.ro/v3/index.php?action=ws`` with ``method=refund,
  ukey, amount, reason, epid, timestamp, nonce`` signed with the user API key,
  answered ``{"success": "1"}`` or ``{"error", "ecode"}``): the npm package
  ``euplatesc`` 1.0.5 (``dist/esm/euplatesc.js``: ``paymentUrl``, ``refund``,
  ``genericRequest``). The manual's RefundRequest says a refund is flagged
  "to be processed offline by EuPlatesc team" and answers "refund pending OK".
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timezone

from .base import PaymentGatewayError, PaymentSignatureError, post

LIVE_PAYMENT_URL = "https://secure.euplatesc.ro/tdsprocess/tranzactd.php"
SANDBOX_PAYMENT_URL = "https://secure.euplatesc.ro/tdsprocess/sandbox.php"
API_URL = "https://manager.euplatesc.ro/v3/index.php?action=ws"

REQUEST_SIGNED_FIELDS = (
    "amount",
    "curr",
    "invoice_id",
    "order_desc",
    "merch_id",
    "timestamp",
    "nonce",
)
ANSWER_SIGNED_FIELDS = (
    "amount",
    "curr",
    "invoice_id",
    "ep_id",
    "merch_id",
    "action",
    "message",
    "approval",
    "timestamp",
    "nonce",
)
NOTIFICATION_SIGNED_FIELDS = (*ANSWER_SIGNED_FIELDS, "sec_status")
REFUND_SIGNED_FIELDS = (
    "method",
    "ukey",
    "amount",
    "reason",
    "epid",
    "timestamp",
    "nonce",
)

PAID_SEC_STATUSES = ("8", "9")
SUPPORTED_CURRENCIES = ("RON", "EUR", "USD")  # manual, Table 1 "curr"


def timestamp(moment=None):
    """GMT ``YYYYMMDDHHMMSS`` as the manual asks."""
    return (moment or datetime.now(timezone.utc)).strftime("%Y%m%d%H%M%S")


def nonce():
    """32 random hexadecimal characters (the manual: 16-64)."""
    return secrets.token_hex(16)


def mac_source(values, fields):
    """Each value prefixed by its byte length, ``-`` for an empty one, in order."""
    parts = []
    for name in fields:
        value = values.get(name)
        value = "" if value is None else str(value)
        size = len(value.encode())
        parts.append(f"{size}{value}" if size else "-")
    return "".join(parts)


def sign(values, fields, key_hex):
    """HMAC-MD5 of the MAC source under the hexadecimal key, upper-case hex."""
    try:
        key = bytes.fromhex(key_hex or "")
    except ValueError as error:
        raise PaymentSignatureError("the EuPlatesc key is not hexadecimal") from error
    if not key:
        raise PaymentSignatureError("no EuPlatesc key configured")
    source = mac_source(values, fields).encode()
    return hmac.new(key, source, hashlib.md5).hexdigest().upper()


def answer_fields(values):
    """The signed field list of an answer: the server notification adds sec_status."""
    return (
        NOTIFICATION_SIGNED_FIELDS if "sec_status" in values else ANSWER_SIGNED_FIELDS
    )


def verify_answer(values, key_hex):
    """Check the ``fp_hash`` of a back-ref or server notification; raise if forged."""
    expected = sign(values, answer_fields(values), key_hex)
    received = str(values.get("fp_hash") or "").upper()
    if not received or not hmac.compare_digest(expected, received):
        raise PaymentSignatureError("EuPlatesc fp_hash does not match")
    return values


def answer_outcome(values):
    """'paid', 'pending' or 'failed' for a verified answer (WooCommerce rules)."""
    if str(values.get("action")) != "0":
        return "failed"
    sec_status = values.get("sec_status")
    if sec_status is not None and str(sec_status) not in PAID_SEC_STATUSES:
        return "pending"
    if "pending" in str(values.get("message") or "").lower():
        return "pending"
    return "paid"


def payment_form(
    *, merchant_id, key_hex, amount, currency, invoice_id, description, extra=None
):
    """The fields POSTed to the payment page, ``fp_hash`` included."""
    values = {
        "amount": f"{amount:.2f}",
        "curr": currency,
        "invoice_id": str(invoice_id),
        "order_desc": description[:50],
        "merch_id": merchant_id,
        "timestamp": timestamp(),
        "nonce": nonce(),
    }
    values["fp_hash"] = sign(values, REQUEST_SIGNED_FIELDS, key_hex)
    values.update({key: value for key, value in (extra or {}).items() if value})
    return values


class EuPlatescClient:
    """EuPlatesc's web service (refunds), form-encoded, on ``requests``."""

    def __init__(self, api_url, user_key, user_api_key, timeout=20):
        self.api_url = api_url
        self.user_key = user_key
        self.user_api_key = user_api_key
        self.timeout = timeout

    def refund(self, ep_id, amount, reason=""):
        """Ask EuPlatesc to refund ``amount`` of the approved payment ``ep_id``."""
        form = {
            "method": "refund",
            "ukey": self.user_key,
            "amount": f"{amount:.2f}",
            "reason": reason,
            "epid": ep_id,
            "timestamp": timestamp(),
            "nonce": nonce(),
        }
        form["fp_hash"] = sign(form, REFUND_SIGNED_FIELDS, self.user_api_key)
        response = post(self.api_url, form=form, timeout=self.timeout)
        try:
            data = response.json()
        except ValueError:
            data = {}
        if response.status_code >= 400 or str(data.get("success")) != "1":
            raise PaymentGatewayError(
                str(
                    data.get("error")
                    or data.get("message")
                    or f"HTTP {response.status_code}"
                ),
                code=str(data.get("ecode") or response.status_code),
                retryable=response.status_code >= 500,
                payload=data,
            )
        return data


MAX_ANSWER_AGE = 90  # days; older signed answers are refused as stale replays


def answer_is_stale(values, now=None):
    """Whether the answer's signed GMT timestamp is missing, malformed or too old."""
    try:
        moment = datetime.strptime(str(values.get("timestamp")), "%Y%m%d%H%M%S")
    except ValueError:
        return True
    moment = moment.replace(tzinfo=timezone.utc)
    age = (now or datetime.now(timezone.utc)) - moment
    return age.days >= MAX_ANSWER_AGE

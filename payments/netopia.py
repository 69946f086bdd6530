"""NETOPIA Payments API v2 (JSON): start a card payment, credit it, check an IPN.

Public sources followed, per wire format:

- Start payment (``POST /payment/card/start``, ``Authorization: <API key>``), its
  JSON sections ``config`` / ``payment`` / ``order``, the live and sandbox hosts,
  the error shape ``{"error": {"code", "message"}, "payment": {...}}`` and the
  status / error codes: NETOPIA's documentation, repository
  ``netopiapayments/doc.netopia-payments.com``, ``docs/payment-api/v2.x/``
  (``intro.md``, ``start/start-strc.md``, ``start/sample-response.md``,
  ``start/start-Error.md``).
- Hosted card page: ``instrument: {"type": "card"}`` without card data and a
  redirect to the answer's ``payment.paymentURL`` (GET, its query kept as
  fields): NETOPIA's WooCommerce plugin ``netopiapayments/WooCommerce``,
  ``v2/lib/request.php`` and ``v2/wc-netopiapayments-gateway.php``.
- IPN: the official Python SDK ``netopia-sdk`` 2.1.1 (``netopia_sdk/ipn.py``,
  ``IpnVerifier.verify``) and the official PHP SDK ``netopiapayments/composer``
  (``src/IPN.php``): header ``Verification-token`` holds a JWT signed by
  NETOPIA (RS512); ``iss`` must be ``NETOPIA Payments``, ``aud`` (its first item
  when a list) the POS signature, ``sub`` the base64 SHA-512 of the raw body;
  then ``payment.status`` is read from the body, ``order.orderID`` names the
  order (WooCommerce ``v2/lib/ipn.php``). The answer is the JSON
  ``{"errorType", "errorCode", "errorMessage"}`` (composer ``example/ipn.php``);
  a token that fails answers HTTP 400, as NETOPIA's Go sample app does
  (``netopiapayments/sample-app-go``, ``handlers/ipn.go``).
- Status codes: ``netopia_sdk/constants.py`` ``PaymentStatus`` (identical to
  the constants of composer ``src/IPN.php``); their meaning from the SDK's
  ``_status_message`` and the WooCommerce plugin's IPN handling.
- Credit (refund), ``POST /operation/credit`` ``{"ntpID", "amount"}`` answered
  with ``error.code`` ``"00"`` and ``payment.status`` 8: NOT in the public
  documentation repository; taken from a public CS-Cart NETOPIA module
  (``Netopia\\CsCart\\Payment\\RefundService``, which cites NETOPIA's Stoplight
  page "create-a-operation-credit"). Check it against NETOPIA's OpenAPI
  specification (``/spec`` on the sandbox host) before going live.

The SDK itself is not a dependency: it pins ``cryptography>=39`` (Odoo 18 runs
with 3.4.8 and pyOpenSSL 21, which break with it), logs every request body at
DEBUG level from import time, and has no credit operation nor a configurable
host. The IPN check below is the SDK's, line for line, on PyJWT (the SDK's own
JWT library), with the algorithm pinned to RS512 instead of taken from the
token's header.
"""

import base64
import hashlib
import json
from dataclasses import dataclass

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from .base import PaymentGatewayError, PaymentSignatureError, post

LIVE_URL = "https://secure.mobilpay.ro/pay"
SANDBOX_URL = "https://secure.sandbox.netopia-payments.com"
START_PATH = "/payment/card/start"
CREDIT_PATH = "/operation/credit"

ISSUER = "NETOPIA Payments"
ALGORITHM = "RS512"
TOKEN_HEADER = "Verification-token"

# netopia_sdk/constants.py, PaymentStatus
STATUS_NEW = 1
STATUS_OPENED = 2
STATUS_PAID = 3
STATUS_CANCELED = 4
STATUS_CONFIRMED = 5
STATUS_PENDING = 6
STATUS_SCHEDULED = 7
STATUS_CREDIT = 8
STATUS_CHARGEBACK_INIT = 9
STATUS_CHARGEBACK_ACCEPT = 10
STATUS_ERROR = 11
STATUS_DECLINED = 12
STATUS_FRAUD = 13
STATUS_PENDING_AUTH = 14
STATUS_3D_AUTH = 15
STATUS_CHARGEBACK_REPRESENTMENT = 16
STATUS_REVERSED = 17
STATUS_PENDING_ANY = 18
STATUS_EXPIRED = 23

# What each status means for the shop's transaction. "paid": the SDK's "payment
# was confirmed; deliver goods" (3, 5; 1 "new" is left pending as the WooCommerce
# plugin does). "refunded": "a previously confirmed payment was refunded".
# "cancelled": void (4) and "cancel a not paid purchase" (23). "rejected": error
# and declined. "pending": preauthorised, pending, under fraud review, waiting for
# 3-D Secure. Chargebacks and reversals are left for a person to look at.
PAYMENT_STATUS = {
    STATUS_NEW: "pending",
    STATUS_OPENED: "pending",
    STATUS_PAID: "paid",
    STATUS_CONFIRMED: "paid",
    STATUS_PENDING: "pending",
    STATUS_PENDING_AUTH: "pending",
    STATUS_3D_AUTH: "pending",
    STATUS_PENDING_ANY: "pending",
    STATUS_FRAUD: "pending",
    STATUS_CANCELED: "cancelled",
    STATUS_EXPIRED: "cancelled",
    STATUS_ERROR: "rejected",
    STATUS_DECLINED: "rejected",
    STATUS_CREDIT: "refunded",
}

APPROVED_CODES = ("00", "0")

# IPN answers (composer src/IPN.php)
ERROR_TYPE_NONE = 0
ERROR_TYPE_PERMANENT = 2
E_VERIFICATION_FAILED_GENERAL = 0x10000101


def ipn_answer(error_message=""):
    """The JSON body NETOPIA expects back from the IPN URL."""
    if not error_message:
        return {"errorType": ERROR_TYPE_NONE, "errorCode": None, "errorMessage": ""}
    return {
        "errorType": ERROR_TYPE_PERMANENT,
        "errorCode": E_VERIFICATION_FAILED_GENERAL,
        "errorMessage": error_message,
    }


def payload_hash(raw_body):
    """base64(SHA-512(raw body)): what the token's ``sub`` claim must equal."""
    return base64.b64encode(hashlib.sha512(raw_body).digest()).decode()


def load_public_key(pem_text):
    """NETOPIA's key as given in its admin: a PEM public key or an X.509 certificate."""
    data = (pem_text or "").strip().encode()
    if not data:
        raise PaymentSignatureError("no NETOPIA public key configured")
    try:
        if b"BEGIN CERTIFICATE" in data:
            return x509.load_pem_x509_certificate(data).public_key()
        return serialization.load_pem_public_key(data)
    except ValueError as error:
        raise PaymentSignatureError(f"invalid NETOPIA public key: {error}") from error


def verify_ipn(token, raw_body, public_key_pem, pos_signature):
    """Check an IPN as ``netopia_sdk.ipn.IpnVerifier.verify`` does; return its JSON.

    Raises PaymentSignatureError when the message is not NETOPIA's for this POS.
    """
    if not token:
        raise PaymentSignatureError(f"missing {TOKEN_HEADER} header")
    if len(token.split(".")) != 3:
        raise PaymentSignatureError("wrong verification token")
    key = load_public_key(public_key_pem)
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=[ALGORITHM],
            options={"verify_aud": False, "verify_iss": False},
        )
    except jwt.PyJWTError as error:
        raise PaymentSignatureError(f"invalid verification token: {error}") from error
    if claims.get("iss") != ISSUER:
        raise PaymentSignatureError("invalid issuer")
    audience = claims.get("aud")
    if not audience:
        raise PaymentSignatureError("empty audience in token")
    if isinstance(audience, list):
        audience = audience[0]
    if not pos_signature or audience != pos_signature:
        raise PaymentSignatureError("token issued for another POS signature")
    if payload_hash(raw_body) != claims.get("sub"):
        raise PaymentSignatureError("payload hash mismatch")
    try:
        data = json.loads(raw_body)
        int(data["payment"]["status"])
    except (ValueError, KeyError, TypeError) as error:
        raise PaymentSignatureError(f"malformed IPN payload: {error}") from error
    return data


@dataclass
class StartResult:
    ntp_id: str
    payment_url: str
    status: int


@dataclass
class CreditResult:
    ntp_id: str
    status: int
    amount: float


class NetopiaClient:
    """The two calls the shop makes to NETOPIA, on ``requests`` with a timeout."""

    def __init__(self, base_url, api_key, timeout=20):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def _call(self, path, body):
        response = post(
            self.base_url + path,
            json_body=body,
            headers={"Authorization": self.api_key, "Content-Type": "application/json"},
            timeout=self.timeout,
        )
        try:
            data = response.json()
        except ValueError:
            data = {}
        if response.status_code >= 400:
            error = data.get("error") if isinstance(data.get("error"), dict) else data
            raise PaymentGatewayError(
                str(error.get("message") or f"HTTP {response.status_code}"),
                code=str(error.get("code") or response.status_code),
                retryable=response.status_code >= 500,
                payload=data,
            )
        return data

    def start(self, request_body):
        """Open a payment; the customer pays on ``payment_url``."""
        data = self._call(START_PATH, request_body)
        payment = data.get("payment") or {}
        error = data.get("error") or {}
        # As NETOPIA's WooCommerce plugin: a payment page URL means go on.
        if not payment.get("paymentURL"):
            raise PaymentGatewayError(
                str(error.get("message") or "no payment URL in NETOPIA's answer"),
                code=str(error.get("code") or ""),
                payload=data,
            )
        return StartResult(
            ntp_id=str(payment.get("ntpID") or ""),
            payment_url=payment["paymentURL"],
            status=int(payment.get("status") or 0),
        )

    def credit(self, ntp_id, amount):
        """Refund ``amount`` of the paid payment ``ntp_id`` (its currency)."""
        data = self._call(CREDIT_PATH, {"ntpID": ntp_id, "amount": round(amount, 2)})
        payment = data.get("payment") or {}
        error = data.get("error") or {}
        code = str(error.get("code", ""))
        if (
            code not in APPROVED_CODES
            or int(payment.get("status") or 0) != STATUS_CREDIT
        ):
            raise PaymentGatewayError(
                str(error.get("message") or "NETOPIA did not credit the payment"),
                code=code,
                payload=data,
            )
        return CreditResult(
            ntp_id=str(payment.get("ntpID") or ntp_id),
            status=int(payment["status"]),
            amount=float(payment.get("amount") or amount),
        )

"""A fake NETOPIA Payments API v2 (see ``payments/netopia.py`` for the sources).

It owns an RSA key pair made at start: the shop is configured with
``public_key_pem``, and every IPN the fake sends carries a ``Verification-token``
JWT signed RS512 with the private key, with the claims NETOPIA's SDKs check.
Error codes of the fake's refusals that the public documentation does not list
are the fake's own; the client only tells "approved" from "not approved".
"""

import json
import time
from datetime import datetime, timezone

import jwt
import requests
from cryptography.hazmat.backends import default_backend
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .. import netopia
from .base import FakeGatewayServer


def make_key_pair():
    """A fresh 2048-bit RSA key pair as (private PEM, public PEM)."""
    key = rsa.generate_private_key(
        public_exponent=65537, key_size=2048, backend=default_backend()
    )
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        .decode()
    )
    return private_pem, public_pem


class FakeNetopia(FakeGatewayServer):
    def __init__(
        self, api_key="fake-netopia-api-key", pos_signature="FAKE-POS1-SIGN-TURE-0001"
    ):
        super().__init__()
        self.api_key = api_key
        self.pos_signature = pos_signature
        self.private_key_pem, self.public_key_pem = make_key_pair()
        self.payments = {}  # ntpID -> start request and state
        self.credits = []  # bodies of accepted credit requests
        self.ipn_answers = []  # (HTTP status, body) of each IPN the shop answered

    # -- HTTP API -----------------------------------------------------------

    def route(self, request):
        if request.method == "GET" and request.path == "/payment/card/page":
            payment = self.payments.get(request.query.get("ntpID"))
            if not payment:
                return self.html_reply(404, "<h1>Unknown payment</h1>")
            return self.html_reply(
                200,
                f"<h1>NETOPIA sandbox</h1><p>Pay {payment['amount']} "
                f"{payment['currency']} for {payment['order_id']}</p>",
            )
        if request.method != "POST":
            return self.json_reply(
                405, {"code": "405", "message": "Method not allowed"}
            )
        if request.headers.get("Authorization") != self.api_key:
            return self.json_reply(401, {"code": "401", "message": "Invalid API key"})
        if request.path == netopia.START_PATH:
            return self._start(request.json())
        if request.path == netopia.CREDIT_PATH:
            return self._credit(request.json())
        return self.json_reply(404, {"code": "404", "message": "Not Found"})

    def _start(self, body):
        order = body["order"]
        config = body["config"]
        if order.get("posSignature") != self.pos_signature:
            return self.json_reply(
                400, {"code": "99", "message": "Invalid POS signature"}
            )
        for ntp_id, payment in self.payments.items():
            if payment["order_id"] == order["orderID"]:
                # docs/payment-api/v2.x/start/sample-response.md, "Error ex."
                return self.json_reply(
                    200,
                    {
                        "customerAction": {},
                        "error": {"code": "56", "message": "Order closed"},
                        "payment": {
                            "amount": payment["amount"],
                            "currency": payment["currency"],
                            "ntpID": ntp_id,
                            "status": netopia.STATUS_CONFIRMED,
                        },
                    },
                )
        ntp_id = str(1300000 + self.next_number())
        self.payments[ntp_id] = {
            "order_id": order["orderID"],
            "amount": float(order["amount"]),
            "currency": order["currency"],
            "notify_url": config["notifyUrl"],
            "redirect_url": config["redirectUrl"],
            "status": netopia.STATUS_NEW,
            "credited": 0.0,
            "request": body,
        }
        return self.json_reply(
            200,
            {
                "customerAction": {},
                "error": {"code": "101", "message": "Redirect user to payment page"},
                "payment": {
                    "amount": float(order["amount"]),
                    "currency": order["currency"],
                    "ntpID": ntp_id,
                    "status": netopia.STATUS_NEW,
                    "paymentURL": f"{self.url}payment/card/page?ntpID={ntp_id}&lang=ro",
                },
            },
        )

    def _credit(self, body):
        payment = self.payments.get(str(body.get("ntpID")))
        if not payment:
            return self.json_reply(404, {"code": "404", "message": "Payment not found"})
        amount = float(body.get("amount") or 0)
        paid = payment["status"] in (
            netopia.STATUS_PAID,
            netopia.STATUS_CONFIRMED,
            netopia.STATUS_CREDIT,
        )
        if (
            not paid
            or amount <= 0
            or amount > payment["amount"] - payment["credited"] + 1e-9
        ):
            return self.json_reply(
                200,
                {
                    "error": {"code": "34", "message": "Credit not allowed"},
                    "payment": {
                        "ntpID": body.get("ntpID"),
                        "status": payment["status"],
                    },
                },
            )
        payment["credited"] += amount
        payment["status"] = netopia.STATUS_CREDIT
        self.credits.append(body)
        return self.json_reply(
            200,
            {
                "error": {"code": "00", "message": "Approved"},
                "payment": {
                    "ntpID": body["ntpID"],
                    "status": netopia.STATUS_CREDIT,
                    "amount": amount,
                    "currency": payment["currency"],
                },
            },
        )

    # -- IPN ----------------------------------------------------------------

    def ipn_body(self, ntp_id, status, **payment_overrides):
        payment = self.payments[ntp_id]
        body = {
            "order": {"orderID": payment["order_id"]},
            "payment": {
                "method": "card",
                "ntpID": ntp_id,
                "status": status,
                "amount": payment["amount"],
                "currency": payment["currency"],
                "code": "00" if status in (3, 5, 8) else "19",
                "message": "Approved" if status in (3, 5, 8) else "Declined",
                "operationDate": datetime.now(timezone.utc).isoformat(),
                **payment_overrides,
            },
        }
        return json.dumps(body).encode()

    def token(
        self,
        raw_body,
        private_key_pem=None,
        audience=None,
        issuer=netopia.ISSUER,
        lifetime=300,
    ):
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": [audience or self.pos_signature],
            "sub": netopia.payload_hash(raw_body),
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
        }
        return jwt.encode(
            claims, private_key_pem or self.private_key_pem, algorithm="RS512"
        )

    def send_ipn(self, ntp_id, raw_body, token):
        """POST an IPN to the shop's notifyUrl; return the shop's answer."""
        response = requests.post(
            self.payments[ntp_id]["notify_url"],
            data=raw_body,
            headers={"Content-Type": "application/json", netopia.TOKEN_HEADER: token},
            timeout=30,
        )
        self.ipn_answers.append((response.status_code, response.text))
        return response

    def settle(self, ntp_id, status, **payment_overrides):
        """The customer finished on the card page: record the status, send the IPN."""
        self.payments[ntp_id]["status"] = status
        raw_body = self.ipn_body(ntp_id, status, **payment_overrides)
        return self.send_ipn(ntp_id, raw_body, self.token(raw_body))

    def ntp_id_for(self, order_id):
        return next(
            ntp_id
            for ntp_id, payment in self.payments.items()
            if payment["order_id"] == order_id
        )

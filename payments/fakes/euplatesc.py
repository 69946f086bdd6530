"""A fake EuPlatesc gateway (see ``payments/euplatesc.py`` for the sources).

The card page checks the order's ``fp_hash`` with the merchant key; answers and
server notifications are signed the same way; the web service checks refunds
with the user API key. Refusal codes are the manual's (401 not found, 301 not
approved, 305 already refunded).
"""

import requests

from .. import euplatesc
from .base import FakeGatewayServer

PAYMENT_PATHS = ("/tdsprocess/tranzactd.php", "/tdsprocess/sandbox.php")
API_PATH = "/v3/index.php"


class FakeEuPlatesc(FakeGatewayServer):
    def __init__(
        self,
        merchant_id="44840000001",
        key="00112233445566778899AABBCCDDEEFF",
        user_key="fake-user-key",
        user_api_key="A1B2C3D4E5F60718293A4B5C6D7E8F90",
    ):
        super().__init__()
        self.merchant_id = merchant_id
        self.key = key
        self.user_key = user_key
        self.user_api_key = user_api_key
        self.payments = {}  # ep_id -> the posted order form and state
        self.refunds = []  # accepted refund forms
        self.notification_answers = []

    @property
    def payment_url(self):
        return self.url.rstrip("/") + PAYMENT_PATHS[0]

    @property
    def api_url(self):
        return self.url.rstrip("/") + API_PATH + "?action=ws"

    def route(self, request):
        if request.method != "POST":
            return self.html_reply(405, "POST only")
        form = request.form()
        if request.path in PAYMENT_PATHS:
            return self._payment_page(form)
        if request.path == API_PATH and request.query.get("action") == "ws":
            return self._web_service(form)
        return self.html_reply(404, "Not found")

    def _payment_page(self, form):
        try:
            expected = euplatesc.sign(form, euplatesc.REQUEST_SIGNED_FIELDS, self.key)
        except euplatesc.PaymentSignatureError:
            expected = None
        if form.get("merch_id") != self.merchant_id or expected != form.get("fp_hash"):
            return self.html_reply(400, "<h1>Invalid signature</h1>")
        ep_id = f"{self.next_number():040X}"[-40:]
        self.payments[ep_id] = {"form": form, "approved": False, "refunded": 0.0}
        return self.html_reply(
            200,
            f"<h1>EuPlatesc</h1><p>{form['amount']} {form['curr']}: "
            f"{form['order_desc']}</p>",
        )

    def _web_service(self, form):
        if form.get("method") != "refund":
            return self.json_reply(200, {"error": "unknown method", "ecode": "999"})
        try:
            expected = euplatesc.sign(
                form, euplatesc.REFUND_SIGNED_FIELDS, self.user_api_key
            )
        except euplatesc.PaymentSignatureError:
            expected = None
        if form.get("ukey") != self.user_key or expected != form.get("fp_hash"):
            return self.json_reply(200, {"error": "invalid hash", "ecode": "901"})
        payment = self.payments.get(form.get("epid"))
        if not payment:
            return self.json_reply(
                200, {"error": "refund: transaction not found", "ecode": "401"}
            )
        if not payment["approved"]:
            return self.json_reply(
                200,
                {
                    "error": "refund: refund not possible, transaction isn't approved",
                    "ecode": "301",
                },
            )
        amount = float(form["amount"])
        if (
            amount <= 0
            or amount > float(payment["form"]["amount"]) - payment["refunded"] + 1e-9
        ):
            return self.json_reply(
                200,
                {
                    "error": "refund: transaction already is refunded/reversal",
                    "ecode": "305",
                },
            )
        payment["refunded"] += amount
        self.refunds.append(form)
        return self.json_reply(200, {"success": "1"})

    # -- answers ------------------------------------------------------------

    def ep_id_for(self, invoice_id):
        return next(
            ep_id
            for ep_id, payment in self.payments.items()
            if payment["form"]["invoice_id"] == str(invoice_id)
        )

    def answer(
        self, ep_id, action="0", message="Approved", sec_status=None, **overrides
    ):
        """The signed answer fields; with ``sec_status`` the server notification."""
        order = self.payments[ep_id]["form"]
        values = {
            "amount": order["amount"],
            "curr": order["curr"],
            "invoice_id": order["invoice_id"],
            "ep_id": ep_id,
            "merch_id": self.merchant_id,
            "action": action,
            "message": message,
            "approval": "123456" if action == "0" else "",
            "timestamp": euplatesc.timestamp(),
            "nonce": euplatesc.nonce(),
        }
        if sec_status is not None:
            values["sec_status"] = sec_status
        values.update(overrides)
        values["fp_hash"] = euplatesc.sign(
            values, euplatesc.answer_fields(values), self.key
        )
        return values

    def notify(self, values):
        """POST a server notification to the shop's silent URL; return its answer."""
        ep_id = values["ep_id"]
        order = self.payments[ep_id]["form"]
        if values.get("action") == "0":
            self.payments[ep_id]["approved"] = True
        response = requests.post(order["ExtraData[silenturl]"], data=values, timeout=30)
        self.notification_answers.append((response.status_code, response.text))
        return response

    def back_ref_url(self, values):
        order = self.payments[values["ep_id"]]["form"]
        if values.get("action") == "0":
            return order["ExtraData[successurl]"]
        return order["ExtraData[failedurl]"]

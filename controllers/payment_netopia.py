import hashlib
import json
import logging

from odoo import http
from odoo.exceptions import ValidationError
from odoo.http import request

from ..payments import netopia
from ..payments.base import PaymentSignatureError

_logger = logging.getLogger(__name__)


class NetopiaController(http.Controller):
    _return_url = "/payment/netopia/return"
    _webhook_url = "/payment/netopia/webhook"

    @http.route(
        _return_url,
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
    )
    def netopia_return_from_checkout(self, **data):
        """The customer is back from NETOPIA's page: the state comes by IPN only.

        ``save_session=False`` as Odoo's own providers: the redirect to
        /payment/status then finds the customer's session and polls it.
        """
        return request.redirect("/payment/status")

    @http.route(
        _webhook_url,
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def netopia_webhook(self):
        """NETOPIA's IPN: JSON body, JWT in the Verification-token header.

        Answers NETOPIA's JSON; HTTP 400 for anything refused (unknown order,
        bad signature, amount mismatch) with nothing changed; a replay of an
        IPN already processed is acknowledged and changes nothing.
        """
        raw_body = request.httprequest.get_data()
        token = request.httprequest.headers.get(netopia.TOKEN_HEADER, "")
        try:
            data = json.loads(raw_body)
            tx_sudo = (
                request.env["payment.transaction"]
                .sudo()
                ._get_tx_from_notification_data("netopia", data)
            )
        except (ValueError, TypeError, AttributeError, ValidationError) as error:
            _logger.warning("NETOPIA IPN refused: %s", error)
            return self._answer(400, str(error))
        provider_sudo = tx_sudo.provider_id
        try:
            provider_sudo._netopia_verify_ipn(token, raw_body)
        except PaymentSignatureError as error:
            _logger.warning("NETOPIA IPN for %s refused: %s", tx_sudo.reference, error)
            return self._answer(400, str(error))
        key = hashlib.sha256(token.encode()).hexdigest()
        try:
            with request.env.cr.savepoint():
                receipts = request.env["fulfilment.payment.notification"].sudo()
                if receipts._record_notification(provider_sudo, key, tx_sudo.reference):
                    tx_sudo._handle_notification_data("netopia", data)
                else:
                    _logger.info(
                        "NETOPIA IPN for %s already processed", tx_sudo.reference
                    )
        except ValidationError as error:
            _logger.warning("NETOPIA IPN for %s refused: %s", tx_sudo.reference, error)
            return self._answer(400, str(error))
        return self._answer(200)

    @staticmethod
    def _answer(status, error_message=""):
        return request.make_json_response(
            netopia.ipn_answer(error_message), status=status
        )

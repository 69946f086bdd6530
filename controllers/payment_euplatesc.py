import logging

from odoo import http
from odoo.exceptions import ValidationError
from odoo.http import request

from ..payments import euplatesc
from ..payments.base import PaymentSignatureError

_logger = logging.getLogger(__name__)


class EuPlatescController(http.Controller):
    _return_url = "/payment/euplatesc/return"
    _webhook_url = "/payment/euplatesc/webhook"

    @http.route(
        _return_url,
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
    )
    def euplatesc_return_from_checkout(self, **data):
        """The back-ref: EuPlatesc sends the customer back with the signed answer.

        A genuine answer is processed like the server notification; the customer
        lands on /payment/status either way.
        """
        if data.get("fp_hash"):
            status, message = self._process(data)
            if status != 200:
                _logger.warning("EuPlatesc back-ref refused: %s", message)
        return request.redirect("/payment/status")

    @http.route(
        _webhook_url,
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def euplatesc_webhook(self, **data):
        """EuPlatesc's server notification (silent URL), form-encoded, with fp_hash.

        HTTP 400 and nothing changed when refused (unknown invoice, bad
        signature, stale, amount mismatch); a replay is acknowledged unprocessed.
        """
        status, message = self._process(data)
        if status != 200:
            _logger.warning("EuPlatesc notification refused: %s", message)
        return request.make_response(
            message, headers=[("Content-Type", "text/plain")], status=status
        )

    def _process(self, data):
        try:
            tx_sudo = (
                request.env["payment.transaction"]
                .sudo()
                ._get_tx_from_notification_data("euplatesc", data)
            )
        except ValidationError as error:
            return 400, str(error)
        provider_sudo = tx_sudo.provider_id
        try:
            provider_sudo._euplatesc_verify_answer(data)
        except PaymentSignatureError as error:
            return 400, f"{tx_sudo.reference}: {error}"
        if euplatesc.answer_is_stale(data):
            return 400, f"{tx_sudo.reference}: stale answer"
        try:
            with request.env.cr.savepoint():
                receipts = request.env["fulfilment.payment.notification"].sudo()
                key = str(data["fp_hash"]).upper()
                if receipts._record_notification(provider_sudo, key, tx_sudo.reference):
                    tx_sudo._handle_notification_data("euplatesc", data)
        except ValidationError as error:
            return 400, str(error)
        return 200, "OK"

"""EuPlatesc payments: order form, answers and refunds of ``payment.transaction``."""

import logging

from werkzeug import urls

from odoo import models
from odoo.exceptions import UserError, ValidationError

from ..controllers.payment_euplatesc import EuPlatescController
from ..payments import euplatesc
from ..payments.base import PaymentGatewayError

_logger = logging.getLogger(__name__)


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _euplatesc_invoice_id(self):
        # The manual asks for a numeric invoice_id of 6 to 27 digits.
        return f"{self.id:06d}"

    def _get_specific_rendering_values(self, processing_values):
        res = super()._get_specific_rendering_values(processing_values)
        if self.provider_code != "euplatesc":
            return res
        provider = self.provider_id
        base_url = provider.get_base_url()
        return_url = urls.url_join(base_url, EuPlatescController._return_url)
        partner = self.partner_id
        first_name, _space, last_name = (partner.name or "").partition(" ")
        lang = (self.partner_lang or self.env.lang or "ro")[:2]
        form = euplatesc.payment_form(
            merchant_id=provider.euplatesc_merchant_id,
            key_hex=provider.euplatesc_secret_key,
            amount=self.amount,
            currency=self.currency_id.name,
            invoice_id=self._euplatesc_invoice_id(),
            description=self.env._("Order %s", self.reference),
            extra={
                "fname": first_name,
                "lname": last_name or first_name,
                "company": partner.commercial_company_name or "",
                "add": ", ".join(filter(None, [partner.street, partner.street2])),
                "city": partner.city,
                "state": partner.state_id.name,
                "zip": partner.zip,
                "country": partner.country_id.name,
                "phone": partner.phone or partner.mobile,
                "email": partner.email,
                "ExtraData[silenturl]": urls.url_join(
                    base_url, EuPlatescController._webhook_url
                ),
                "ExtraData[successurl]": return_url,
                "ExtraData[failedurl]": return_url,
                "ExtraData[backtosite]": urls.url_join(base_url, "/payment/status"),
                "lang": lang
                if lang in ("ro", "en", "fr", "de", "it", "es", "hu")
                else "en",
            },
        )
        return {"api_url": provider._euplatesc_get_payment_url(), "form_values": form}

    def _get_tx_from_notification_data(self, provider_code, notification_data):
        tx = super()._get_tx_from_notification_data(provider_code, notification_data)
        if provider_code != "euplatesc" or len(tx) == 1:
            return tx
        invoice_id = str(notification_data.get("invoice_id") or "")
        tx = self.browse()
        if invoice_id.isdigit():
            tx = self.search(
                [("id", "=", int(invoice_id)), ("provider_code", "=", "euplatesc")]
            )
        if not tx:
            raise ValidationError(
                self.env._(
                    "EuPlatesc: No transaction found matching invoice %s.", invoice_id
                )
            )
        return tx

    def _process_notification_data(self, notification_data):
        super()._process_notification_data(notification_data)
        if self.provider_code != "euplatesc":
            return
        self._euplatesc_check_amount(notification_data)
        if notification_data.get("ep_id"):
            self.provider_reference = notification_data["ep_id"]
        outcome = euplatesc.answer_outcome(notification_data)
        message = notification_data.get("message") or ""
        if outcome == "paid":
            self._set_done()
        elif outcome == "pending":
            self._set_pending()
        else:
            self._set_error(self.env._("EuPlatesc: Payment refused: %s", message))

    def _euplatesc_check_amount(self, values):
        """The answer must be for the amount and currency the shop asked for."""
        try:
            amount = float(values.get("amount"))
        except (TypeError, ValueError):
            amount = None
        if (
            values.get("curr") != self.currency_id.name
            or amount is None
            or self.currency_id.compare_amounts(amount, self.amount)
        ):
            raise ValidationError(
                self.env._(
                    "EuPlatesc: Amount mismatch for %(reference)s: %(amount)s "
                    "%(currency)s, "
                    "expected %(expected)s %(expected_currency)s.",
                    reference=self.reference,
                    amount=values.get("amount"),
                    currency=values.get("curr"),
                    expected=self.amount,
                    expected_currency=self.currency_id.name,
                )
            )

    def _send_refund_request(self, amount_to_refund=None):
        if self.provider_code == "euplatesc" and not (
            self.provider_id.euplatesc_user_key
            and self.provider_id.euplatesc_user_api_key
        ):
            raise UserError(
                self.env._(
                    "Refunds through EuPlatesc need the user key and user API key of "
                    "EuPlatesc's panel (Settings > User settings) on the provider. "
                    "Without them, refund the payment in EuPlatesc's panel and record "
                    "the credit note in Odoo."
                )
            )
        refund_tx = super()._send_refund_request(amount_to_refund=amount_to_refund)
        if self.provider_code != "euplatesc":
            return refund_tx
        if not self.provider_reference:
            raise ValidationError(
                self.env._(
                    "EuPlatesc: Transaction %s has no EuPlatesc id.", self.reference
                )
            )
        try:
            self.provider_id._euplatesc_client().refund(
                self.provider_reference,
                -refund_tx.amount,
                reason=self.env._("Refund %s", refund_tx.reference),
            )
        except PaymentGatewayError as error:
            if error.outcome_unknown:
                refund_tx._set_pending(
                    self.env._(
                        "EuPlatesc: No answer to the refund request. Check EuPlatesc's "
                        "panel "
                        "before refunding again."
                    )
                )
                return refund_tx
            raise ValidationError(
                self.env._(
                    "EuPlatesc: The refund was refused: %(message)s (code %(code)s)",
                    message=error,
                    code=error.code,
                )
            ) from error
        # EuPlatesc accepts the request and its team returns the money ("refund
        # pending OK" in the manual); nothing more comes back to the shop.
        refund_tx.provider_reference = self.provider_reference
        refund_tx._set_done(
            self.env._(
                "EuPlatesc: Refund accepted; EuPlatesc returns the money to the card."
            )
        )
        return refund_tx

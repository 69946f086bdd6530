"""NETOPIA payments: start, IPN processing and refunds of ``payment.transaction``."""

import logging
from datetime import datetime, timezone

from werkzeug import urls

from odoo import models
from odoo.exceptions import ValidationError

from ..controllers.payment_netopia import NetopiaController
from ..payments import netopia
from ..payments.base import PaymentGatewayError

_logger = logging.getLogger(__name__)

ROMANIA_NUMERIC_CODE = 642  # ISO 3166-1; NETOPIA's "country" is numeric


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _get_specific_rendering_values(self, processing_values):
        res = super()._get_specific_rendering_values(processing_values)
        if self.provider_code != "netopia":
            return res
        request_body = self._netopia_prepare_start_request()
        try:
            result = self.provider_id._netopia_client().start(request_body)
        except PaymentGatewayError as error:
            _logger.warning(
                "NETOPIA refused to start payment %s: %s (%s)",
                self.reference,
                error,
                error.code,
            )
            raise ValidationError(
                self.env._("NETOPIA: The payment could not be started: %s", error)
            ) from error
        self.provider_reference = result.ntp_id
        parsed_url = urls.url_parse(result.payment_url)
        return {
            "api_url": result.payment_url,
            "url_params": urls.url_decode(parsed_url.query),
        }

    def _netopia_prepare_start_request(self):
        """The JSON of ``POST /payment/card/start`` for this transaction."""
        self.ensure_one()
        base_url = self.provider_id.get_base_url()
        return_url = urls.url_join(base_url, NetopiaController._return_url)
        return_url = f"{return_url}?{urls.url_encode({'ref': self.reference})}"
        lang = (self.partner_lang or self.env.lang or "ro")[:2]
        billing = self._netopia_contact(self.partner_id)
        order = self.sale_order_ids[:1]
        shipping = self._netopia_contact(order.partner_shipping_id or self.partner_id)
        return {
            "config": {
                "emailTemplate": "",
                "notifyUrl": urls.url_join(base_url, NetopiaController._webhook_url),
                "redirectUrl": return_url,
                "cancelUrl": return_url,
                "language": "ro" if lang == "ro" else "en",
            },
            "payment": {
                "options": {"installments": 1, "bonus": 0},
                "instrument": {"type": "card"},
                "data": None,
            },
            "order": {
                "ntpID": "",
                "posSignature": self.provider_id.netopia_pos_signature,
                "dateTime": datetime.now(timezone.utc)
                .replace(microsecond=0)
                .isoformat(),
                "description": self.env._("Order %s", self.reference),
                "orderID": self.reference,
                "amount": self.currency_id.round(self.amount),
                "currency": self.currency_id.name,
                "billing": billing,
                "shipping": shipping,
                "products": [
                    {
                        "name": line.product_id.display_name or line.name,
                        "code": line.product_id.default_code or str(line.product_id.id),
                        "category": line.product_id.categ_id.name or "",
                        "price": line.price_unit,
                        "vat": sum(line.tax_id.mapped("amount")),
                    }
                    for line in order.order_line.filtered(
                        lambda line: not line.display_type
                    )
                ],
                "installments": {"selected": 1, "available": [0]},
                "data": {"reference": self.reference},
            },
        }

    def _netopia_contact(self, partner):
        first_name, _space, last_name = (partner.name or "").partition(" ")
        country = partner.country_id
        return {
            "email": partner.email or "",
            "phone": partner.phone or partner.mobile or "",
            "firstName": first_name,
            "lastName": last_name or first_name,
            "city": partner.city or "",
            # Only Romania's numeric code is known here; the name goes along.
            "country": ROMANIA_NUMERIC_CODE if country.code == "RO" else 0,
            "countryName": country.name or "",
            "state": partner.state_id.name or "",
            "postalCode": partner.zip or "",
            "details": ", ".join(filter(None, [partner.street, partner.street2])),
        }

    def _get_tx_from_notification_data(self, provider_code, notification_data):
        tx = super()._get_tx_from_notification_data(provider_code, notification_data)
        if provider_code != "netopia" or len(tx) == 1:
            return tx
        reference = (notification_data.get("order") or {}).get("orderID")
        tx = self.search(
            [("reference", "=", reference), ("provider_code", "=", "netopia")], limit=1
        )
        if not reference or not tx:
            raise ValidationError(
                self.env._(
                    "NETOPIA: No transaction found matching reference %s.", reference
                )
            )
        return tx

    def _process_notification_data(self, notification_data):
        super()._process_notification_data(notification_data)
        if self.provider_code != "netopia":
            return
        payment = notification_data.get("payment") or {}
        status = int(payment.get("status") or 0)
        outcome = netopia.PAYMENT_STATUS.get(status)
        message = payment.get("message") or ""
        if outcome == "refunded":
            self._netopia_process_credit(payment)
            return
        if outcome == "paid":
            self._netopia_check_amount(payment)
        if payment.get("ntpID"):
            self.provider_reference = str(payment["ntpID"])
        if outcome == "paid":
            self._set_done()
        elif outcome == "pending":
            self._set_pending()
        elif outcome == "cancelled":
            self._set_canceled(
                self.env._("NETOPIA: Payment cancelled (%s).", message or status)
            )
        elif outcome == "rejected":
            self._set_error(
                self.env._("NETOPIA: Payment refused: %s", message or status)
            )
        else:
            # Chargebacks, reversals: money questions for a person, not a state.
            self._log_message_on_linked_documents(
                self.env._(
                    "NETOPIA reported status %(status)s (%(message)s) for transaction "
                    "%(reference)s; check it in NETOPIA's admin.",
                    status=status,
                    message=message,
                    reference=self.reference,
                )
            )

    def _netopia_check_amount(self, payment):
        """A paid IPN must be for the amount and currency the shop asked for."""
        currency = payment.get("currency")
        amount = payment.get("amount")
        if currency is not None and currency != self.currency_id.name:
            raise ValidationError(
                self.env._(
                    "NETOPIA: Currency mismatch for %(reference)s: paid in %(paid)s, "
                    "expected "
                    "%(expected)s.",
                    reference=self.reference,
                    paid=currency,
                    expected=self.currency_id.name,
                )
            )
        if amount is not None and self.currency_id.compare_amounts(
            float(amount), self.amount
        ):
            raise ValidationError(
                self.env._(
                    "NETOPIA: Amount mismatch for %(reference)s: paid %(paid)s, "
                    "expected "
                    "%(expected)s.",
                    reference=self.reference,
                    paid=amount,
                    expected=self.amount,
                )
            )

    def _netopia_process_credit(self, payment):
        """Status 8 on the paid transaction: its refund went through at NETOPIA."""
        refunds = self.child_transaction_ids.filtered(
            lambda tx: tx.operation == "refund"
        )
        waiting = refunds.filtered(lambda tx: tx.state in ("draft", "pending"))
        if waiting:
            waiting._set_done()
        elif not refunds:
            self._log_message_on_linked_documents(
                self.env._(
                    "NETOPIA reports transaction %(reference)s credited (%(amount)s "
                    "%(currency)s) without a refund requested from Odoo: record it "
                    "with a credit note.",
                    reference=self.reference,
                    amount=payment.get("amount"),
                    currency=payment.get("currency") or self.currency_id.name,
                )
            )

    def _send_refund_request(self, amount_to_refund=None):
        refund_tx = super()._send_refund_request(amount_to_refund=amount_to_refund)
        if self.provider_code != "netopia":
            return refund_tx
        if not self.provider_reference:
            raise ValidationError(
                self.env._(
                    "NETOPIA: Transaction %s has no NETOPIA id to refund.",
                    self.reference,
                )
            )
        try:
            result = self.provider_id._netopia_client().credit(
                self.provider_reference, -refund_tx.amount
            )
        except PaymentGatewayError as error:
            if error.outcome_unknown:
                # NETOPIA may have credited: wait for its IPN rather than risk a
                # second refund.
                refund_tx._set_pending(
                    self.env._(
                        "NETOPIA: No answer to the refund request; it is confirmed by "
                        "NETOPIA's "
                        "notification. Check NETOPIA's admin before refunding again."
                    )
                )
                return refund_tx
            raise ValidationError(
                self.env._(
                    "NETOPIA: The refund was refused: %(message)s (code %(code)s)",
                    message=error,
                    code=error.code,
                )
            ) from error
        refund_tx.provider_reference = result.ntp_id
        refund_tx._set_done()
        return refund_tx

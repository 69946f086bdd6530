"""NETOPIA Payments (API v2) as a ``payment.provider``."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..payments import netopia
from ..payments.base import PaymentSignatureError

NETOPIA_CURRENCIES = ("RON", "EUR")  # the currencies NETOPIA's documentation shows


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    code = fields.Selection(
        selection_add=[("netopia", "NETOPIA Payments")],
        ondelete={"netopia": "set default"},
    )
    netopia_pos_signature = fields.Char(
        string="NETOPIA POS Signature",
        help="The point of sale's signature (XXXX-XXXX-XXXX-XXXX-XXXX), from NETOPIA's "
        "admin: Point of sale > Technical settings.",
        required_if_provider="netopia",
        copy=False,
    )
    netopia_api_key = fields.Char(
        string="NETOPIA API Key",
        help="Generated in NETOPIA's admin under Profile > Security; sandbox and live "
        "keys differ.",
        required_if_provider="netopia",
        copy=False,
        groups="base.group_system",
    )
    netopia_public_key = fields.Text(
        string="NETOPIA Public Key",
        help="NETOPIA's public key or certificate (PEM) for the point of sale, used to "
        "check that instant payment notifications come from NETOPIA.",
        required_if_provider="netopia",
        copy=False,
        groups="base.group_system",
    )
    netopia_api_url = fields.Char(
        string="NETOPIA API URL",
        help="Leave empty to use NETOPIA's own host for the state (sandbox in "
        "test mode, live when enabled).",
        copy=False,
        groups="base.group_system",
    )

    @api.depends("code")
    def _compute_feature_support_fields(self):
        result = super()._compute_feature_support_fields()
        self.filtered(
            lambda provider: provider.code == "netopia"
        ).support_refund = "partial"
        return result

    @api.constrains("netopia_public_key", "code", "state")
    def _check_netopia_public_key(self):
        for provider in self.filtered(
            lambda p: (
                p.code == "netopia" and p.state != "disabled" and p.netopia_public_key
            )
        ):
            try:
                netopia.load_public_key(provider.netopia_public_key)
            except PaymentSignatureError as error:
                raise ValidationError(
                    self.env._(
                        "The NETOPIA public key is not a PEM key or certificate: %s",
                        error,
                    )
                ) from error

    def _get_supported_currencies(self):
        supported_currencies = super()._get_supported_currencies()
        if self.code == "netopia":
            supported_currencies = supported_currencies.filtered(
                lambda currency: currency.name in NETOPIA_CURRENCIES
            )
        return supported_currencies

    def _get_default_payment_method_codes(self):
        default_codes = super()._get_default_payment_method_codes()
        if self.code != "netopia":
            return default_codes
        return {"card", "visa", "mastercard"}

    def _netopia_get_api_url(self):
        self.ensure_one()
        if self.netopia_api_url:
            return self.netopia_api_url
        return netopia.LIVE_URL if self.state == "enabled" else netopia.SANDBOX_URL

    def _netopia_client(self):
        self.ensure_one()
        return netopia.NetopiaClient(self._netopia_get_api_url(), self.netopia_api_key)

    def _netopia_verify_ipn(self, token, raw_body):
        """The IPN's JSON if NETOPIA signed it for this POS; raise otherwise."""
        self.ensure_one()
        return netopia.verify_ipn(
            token, raw_body, self.netopia_public_key, self.netopia_pos_signature
        )

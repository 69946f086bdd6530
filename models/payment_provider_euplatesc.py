"""EuPlatesc as a ``payment.provider``."""

from odoo import api, fields, models

from ..payments import euplatesc


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    code = fields.Selection(
        selection_add=[("euplatesc", "EuPlatesc")],
        ondelete={"euplatesc": "set default"},
    )
    euplatesc_merchant_id = fields.Char(
        string="EuPlatesc Merchant ID",
        help="The merchant ID EuPlatesc assigned to the shop.",
        required_if_provider="euplatesc",
        copy=False,
    )
    euplatesc_secret_key = fields.Char(
        string="EuPlatesc Merchant Key",
        help="The hexadecimal key that signs payment requests and EuPlatesc's answers.",
        required_if_provider="euplatesc",
        copy=False,
        groups="base.group_system",
    )
    euplatesc_user_key = fields.Char(
        string="EuPlatesc User Key",
        help="From EuPlatesc's panel, Settings > User settings. Needed for "
        "refunds from Odoo; without it refunds are made in EuPlatesc's panel.",
        copy=False,
        groups="base.group_system",
    )
    euplatesc_user_api_key = fields.Char(
        string="EuPlatesc User API Key",
        help="From EuPlatesc's panel, Settings > User settings: signs refund requests.",
        copy=False,
        groups="base.group_system",
    )
    euplatesc_payment_url = fields.Char(
        string="EuPlatesc Payment Page URL",
        help="Leave empty to use EuPlatesc's own page for the state (sandbox in test "
        "mode, live when enabled).",
        copy=False,
        groups="base.group_system",
    )
    euplatesc_api_url = fields.Char(
        string="EuPlatesc Web Service URL",
        help="Leave empty to use EuPlatesc's own web service.",
        copy=False,
        groups="base.group_system",
    )

    @api.depends("code")
    def _compute_feature_support_fields(self):
        result = super()._compute_feature_support_fields()
        self.filtered(
            lambda provider: provider.code == "euplatesc"
        ).support_refund = "partial"
        return result

    def _get_supported_currencies(self):
        supported_currencies = super()._get_supported_currencies()
        if self.code == "euplatesc":
            supported_currencies = supported_currencies.filtered(
                lambda currency: currency.name in euplatesc.SUPPORTED_CURRENCIES
            )
        return supported_currencies

    def _get_default_payment_method_codes(self):
        default_codes = super()._get_default_payment_method_codes()
        if self.code != "euplatesc":
            return default_codes
        return {"card", "visa", "mastercard"}

    def _euplatesc_get_payment_url(self):
        self.ensure_one()
        if self.euplatesc_payment_url:
            return self.euplatesc_payment_url
        if self.state == "enabled":
            return euplatesc.LIVE_PAYMENT_URL
        return euplatesc.SANDBOX_PAYMENT_URL

    def _euplatesc_client(self):
        self.ensure_one()
        return euplatesc.EuPlatescClient(
            self.euplatesc_api_url or euplatesc.API_URL,
            self.euplatesc_user_key,
            self.euplatesc_user_api_key,
        )

    def _euplatesc_verify_answer(self, values):
        """The answer's fields if EuPlatesc signed them with this merchant key."""
        self.ensure_one()
        return euplatesc.verify_answer(values, self.euplatesc_secret_key)

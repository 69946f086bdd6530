from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fulfilment_sms_provider = fields.Selection(
        [("iap", "Odoo SMS (IAP)"), ("http", "HTTP SMS gateway")],
        string="SMS Provider",
        default="iap",
        config_parameter="order_fulfilment.sms_provider",
    )
    fulfilment_sms_gateway_url = fields.Char(
        string="Gateway URL", config_parameter="order_fulfilment.sms_gateway_url"
    )
    fulfilment_sms_gateway_auth = fields.Selection(
        [
            ("none", "None"),
            ("bearer", "Bearer token"),
            ("basic", "Username and password"),
        ],
        string="Gateway Authentication",
        default="bearer",
        config_parameter="order_fulfilment.sms_gateway_auth",
    )
    fulfilment_sms_gateway_username = fields.Char(
        string="Gateway Username",
        config_parameter="order_fulfilment.sms_gateway_username",
    )
    fulfilment_sms_gateway_secret = fields.Char(
        string="Gateway Token or Password",
        config_parameter="order_fulfilment.sms_gateway_secret",
    )
    fulfilment_sms_gateway_sender = fields.Char(
        string="Sender Name", config_parameter="order_fulfilment.sms_gateway_sender"
    )
    fulfilment_sms_gateway_body = fields.Char(
        string="JSON Body Template",
        config_parameter="order_fulfilment.sms_gateway_body",
        help="JSON sent to the gateway. Placeholders: {number}, {message}, {sender}, "
        "{reference} (a unique id per SMS the gateway can use to drop duplicates).",
    )

    # Profit, loss guard and auto-cancel (per company)
    fulfilment_profit_tax_mode = fields.Selection(
        related="company_id.fulfilment_profit_tax_mode", readonly=False
    )
    fulfilment_profit_tax_rate = fields.Float(
        related="company_id.fulfilment_profit_tax_rate", readonly=False
    )
    fulfilment_loss_guard = fields.Boolean(
        related="company_id.fulfilment_loss_guard", readonly=False
    )
    fulfilment_loss_threshold = fields.Monetary(
        related="company_id.fulfilment_loss_threshold", readonly=False
    )
    fulfilment_loss_guard_delivery = fields.Boolean(
        related="company_id.fulfilment_loss_guard_delivery", readonly=False
    )
    fulfilment_loss_guard_invoice = fields.Boolean(
        related="company_id.fulfilment_loss_guard_invoice", readonly=False
    )
    fulfilment_loss_guard_closed = fields.Boolean(
        related="company_id.fulfilment_loss_guard_closed", readonly=False
    )
    fulfilment_auto_cancel = fields.Boolean(
        related="company_id.fulfilment_auto_cancel", readonly=False
    )
    fulfilment_auto_cancel_days = fields.Integer(
        related="company_id.fulfilment_auto_cancel_days", readonly=False
    )

    # ------------------------------------------------------------
    # Returns (RMA)
    # ------------------------------------------------------------

    fulfilment_return_period_days = fields.Integer(
        related="company_id.fulfilment_return_period_days", readonly=False
    )

    # ------------------------------------------------------------
    # Warranty
    # ------------------------------------------------------------

    fulfilment_warranty_reminder_days = fields.Integer(
        related="company_id.fulfilment_warranty_reminder_days", readonly=False
    )

    # ------------------------------------------------------------
    # Click & collect
    # ------------------------------------------------------------

    fulfilment_pickup_reminder_days = fields.Integer(
        string="Pickup Reminder After (days)",
        default=3,
        config_parameter="order_fulfilment.pickup_reminder_days",
        help="An order not collected this many days after the customer was told it "
        "is ready gets a reminder; as many days later, an activity for the staff.",
    )

from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # Profit
    fulfilment_profit_tax_mode = fields.Selection(
        [
            ("none", "None"),
            ("profit", "Percent of profit (income tax)"),
            ("revenue", "Percent of revenue (turnover tax)"),
        ],
        string="Tax on Profit",
        default="none",
        required=True,
        help="Company tax deducted from each order's profit: none, a share of the "
        "profit (income tax) or a share of the revenue (turnover tax, e.g. a "
        "micro-enterprise tax).",
    )
    fulfilment_profit_tax_rate = fields.Float(string="Tax Rate (%)", digits=(16, 2))

    # Loss guard
    fulfilment_loss_guard = fields.Boolean(
        string="Loss Guard",
        help="Refuse to deliver, invoice or close orders whose net profit is below "
        "the threshold until a fulfilment manager approves them. Invoices the "
        "customer has already paid online are posted anyway; the managers are told.",
    )
    fulfilment_loss_threshold = fields.Monetary(
        string="Minimum Net Profit",
        currency_field="currency_id",
        default=0.0,
        help="Orders with a net profit below this amount are blocked.",
    )
    fulfilment_loss_guard_delivery = fields.Boolean(
        string="Guard Delivery Validation", default=True
    )
    fulfilment_loss_guard_invoice = fields.Boolean(
        string="Guard Invoice Posting", default=True
    )
    fulfilment_loss_guard_closed = fields.Boolean(
        string="Guard Closed Statuses", default=True
    )

    # Auto-cancel
    fulfilment_auto_cancel = fields.Boolean(
        string="Cancel Unpaid Orders",
        help="Cancel orders paid with an offline method that are still unpaid "
        "after the delay, release their stock and tell the customer.",
    )
    fulfilment_auto_cancel_days = fields.Integer(
        string="Cancel Unpaid After (days)", default=14
    )

    # Returns
    fulfilment_return_period_days = fields.Integer(
        string="Return Period (days)",
        default=14,
        help="Days after delivery during which customers may return products "
        "(14: the EU withdrawal period). Product categories may have their own.",
    )

    # Warranty
    fulfilment_warranty_reminder_days = fields.Integer(
        string="Warranty Claim Reminder (days)",
        default=7,
        help="While a warranty claim is being serviced, remind the customer every "
        "this many days by e-mail and SMS. 0: no reminders.",
    )

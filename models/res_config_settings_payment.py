"""Settings of the payment side (per company)."""

from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fulfilment_overdue_user_id = fields.Many2one(
        related="company_id.fulfilment_overdue_user_id", readonly=False
    )
    fulfilment_overdue_team_id = fields.Many2one(
        related="company_id.fulfilment_overdue_team_id", readonly=False
    )
    fulfilment_order_alert_partner_ids = fields.Many2many(
        related="company_id.fulfilment_order_alert_partner_ids", readonly=False
    )
    fulfilment_order_alert_sms = fields.Boolean(
        related="company_id.fulfilment_order_alert_sms", readonly=False
    )

from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fulfilment_thermal_order = fields.Boolean(
        related="company_id.fulfilment_thermal_order", readonly=False
    )
    fulfilment_thermal_delivery_slip = fields.Boolean(
        related="company_id.fulfilment_thermal_delivery_slip", readonly=False
    )
    fulfilment_thermal_invoice = fields.Boolean(
        related="company_id.fulfilment_thermal_invoice", readonly=False
    )
    fulfilment_thermal_pick_list = fields.Boolean(
        related="company_id.fulfilment_thermal_pick_list", readonly=False
    )
    fulfilment_thermal_return = fields.Boolean(
        related="company_id.fulfilment_thermal_return", readonly=False
    )

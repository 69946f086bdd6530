from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    fulfilment_return_period_days = fields.Integer(
        string="Return Period (days)",
        default=14,
        help="Days after delivery during which customers may return products "
        "(14: the EU withdrawal period). Product categories may have their own.",
    )

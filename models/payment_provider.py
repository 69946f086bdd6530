from odoo import fields, models


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    fulfilment_cash_on_delivery = fields.Boolean(
        string="Cash on Delivery",
        help="Orders paid with this method are paid to the courier on delivery: "
        "their amount is sent to the courier as cash on delivery.",
    )

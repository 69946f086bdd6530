from odoo import fields, models


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    fulfilment_delivery_days = fields.Integer(
        string="Delivery Delay (business days)",
        help="Business days the carrier needs to deliver after the order is "
        "confirmed: gives the order's delivery deadline when it has no "
        "commitment date. 0: no deadline.",
    )

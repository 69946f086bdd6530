"""Delivery methods that collect the customer's payment (cash on delivery)."""

from odoo import fields, models


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    fulfilment_collects_cash = fields.Boolean(
        string="Collects Payment",
        help="The courier collects the order's amount from the customer (cash on "
        "delivery), or, for in-store pickup, the customer pays at pickup. Cash on "
        "delivery is offered at checkout only with delivery methods that collect.",
    )

"""Courier carriers refuse a delivery whose address has problems."""

from odoo import models

from ..couriers.shipping import CANCELLED, FAILED


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    def _fulfilment_job(self, picking, previous, connection):
        # Before a new AWB is asked for, a delivery whose address has problems
        # is refused with them (one by one in a bulk send). A look-up of what
        # an earlier attempt may have created goes on whatever the address.
        if not previous or previous.state in (FAILED, CANCELLED):
            picking._fulfilment_check_shipping_addresses()
        return super()._fulfilment_job(picking, previous, connection)

"""Tracking links of deliveries: web addresses only.

A carrier's tracking link is typed by staff (``tracking_url`` with its
``<shipmenttrackingnumber>`` placeholder) or built by a courier connector; it
goes to customers (portal, e-mails, SMS) and to the back office as a link, so
anything but an absolute http(s) address (``javascript:``, ``data:``) is
dropped.
"""

from urllib.parse import urlsplit

from odoo import models


def is_web_url(url):
    """Whether ``url`` is an absolute http(s) address."""
    if not url or not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _compute_carrier_tracking_url(self):
        result = super()._compute_carrier_tracking_url()
        for picking in self:
            if not is_web_url(picking.carrier_tracking_url):
                picking.carrier_tracking_url = False
        return result

    def _compute_fulfilment_tracking_url(self):
        result = super()._compute_fulfilment_tracking_url()
        for picking in self:
            if not is_web_url(picking.fulfilment_tracking_url):
                picking.fulfilment_tracking_url = False
        return result

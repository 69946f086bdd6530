"""Courier API clients, in plain Python (no Odoo import).

``CLIENTS`` maps the ``delivery.carrier`` delivery types to their client;
``shipping`` gets an AWB in typed steps (plan, job, outcome) that the carrier
runs, several at once for a batch.
"""

from .base import (
    Address,
    CourierAuthError,
    CourierClient,
    CourierCounty,
    CourierError,
    CourierLocality,
    CourierTimeout,
    CourierUnavailable,
    Parcel,
    Quote,
    ShipmentRequest,
    ShipmentResult,
    TrackingEvent,
)
from .cargus import CargusClient
from .fan import FanCourierClient
from .gls import GlsClient
from .sameday import SamedayClient

CLIENTS = {
    "fan_courier": FanCourierClient,
    "sameday": SamedayClient,
    "cargus": CargusClient,
    "gls": GlsClient,
}

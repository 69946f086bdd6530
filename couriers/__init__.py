"""Courier API clients, in plain Python (no Odoo import).

``CLIENTS`` maps the ``delivery.carrier`` delivery types to their client.
"""

from .base import (
    Address,
    CourierAuthError,
    CourierClient,
    CourierError,
    CourierTimeout,
    CourierUnavailable,
    Parcel,
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

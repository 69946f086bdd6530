"""The plain-Python courier clients against the fake couriers, under Odoo's
test runner and pytest; the scenarios are ``couriers/tests/contract.py``, which
also runs without Odoo (``python3 -m couriers.tests``)."""

from odoo.tests import tagged

from odoo.addons.order_fulfilment.couriers.tests.contract import (
    CargusContract,
    FanCourierContract,
    GlsContract,
    LabelDecodingContract,
    SamedayContract,
    ShipmentPlanContract,
)

from .common import CourierClientCase


@tagged("post_install", "-at_install")
class TestFanCourierClient(FanCourierContract, CourierClientCase):
    """FAN Courier's REST client."""


@tagged("post_install", "-at_install")
class TestSamedayClient(SamedayContract, CourierClientCase):
    """Sameday's REST client."""


@tagged("post_install", "-at_install")
class TestCargusClient(CargusContract, CourierClientCase):
    """Cargus's REST client."""


@tagged("post_install", "-at_install")
class TestGlsClient(GlsContract, CourierClientCase):
    """GLS's SOAP client (zeep)."""


@tagged("post_install", "-at_install")
class TestLabelDecoding(LabelDecodingContract, CourierClientCase):
    """Label encodings of the couriers."""


@tagged("post_install", "-at_install")
class TestShipmentPlan(ShipmentPlanContract, CourierClientCase):
    """How the next attempt to get an AWB follows the last one."""

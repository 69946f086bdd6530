"""Run the courier client contract without Odoo, from the addon's directory:

    python3 -m couriers.tests [-v] [-k pattern]

Odoo's test runner and pytest run the same contract through the addon's
``tests/test_courier_clients.py``.
"""

import unittest

from .contract import (
    CargusContract,
    FanCourierContract,
    GlsContract,
    LabelDecodingContract,
    SamedayContract,
    ShipmentPlanContract,
)
from .places_contract import (
    CargusPlacesContract,
    FanCourierPlacesContract,
    GlsPlacesContract,
    SamedayPlacesContract,
)


class TestFanCourier(FanCourierContract, unittest.TestCase):
    pass


class TestSameday(SamedayContract, unittest.TestCase):
    pass


class TestCargus(CargusContract, unittest.TestCase):
    pass


class TestGls(GlsContract, unittest.TestCase):
    pass


class TestLabelDecoding(LabelDecodingContract, unittest.TestCase):
    pass


class TestShipmentPlan(ShipmentPlanContract, unittest.TestCase):
    pass


class TestSamedayPlaces(SamedayPlacesContract, unittest.TestCase):
    pass


class TestCargusPlaces(CargusPlacesContract, unittest.TestCase):
    pass


class TestFanCourierPlaces(FanCourierPlacesContract, unittest.TestCase):
    pass


class TestGlsPlaces(GlsPlacesContract, unittest.TestCase):
    pass


if __name__ == "__main__":
    unittest.main()

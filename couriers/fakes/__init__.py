"""Local fake courier servers speaking each courier's wire format on 127.0.0.1."""

from .base import FAULT_MODES, FakeCourierServer, render_label
from .cargus import FakeCargus
from .fan import FakeFanCourier
from .gls import FakeGls
from .sameday import FakeSameday

FAKES = {
    "fan_courier": FakeFanCourier,
    "sameday": FakeSameday,
    "cargus": FakeCargus,
    "gls": FakeGls,
}

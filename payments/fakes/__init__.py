"""Local fake card processors on 127.0.0.1: NETOPIA's and EuPlatesc's wire formats."""

from .euplatesc import FakeEuPlatesc
from .netopia import FakeNetopia

__all__ = ["FakeEuPlatesc", "FakeNetopia"]

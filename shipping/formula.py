"""The distance formula: base + weight + items + distance, with a maximum."""

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DistanceBand:
    """Up to ``up_to_km`` kilometres, the distance costs ``price``."""

    up_to_km: float
    price: float


@dataclass(frozen=True)
class FormulaTariff:
    """How a carrier priced by formula charges a parcel.

    price = base
          + per_kg × (weight − included_weight, when positive)
          + per_item × (items − included_items, when positive)
          + distance part
    capped at ``maximum`` (0: no maximum). The distance part is the price of
    the first band the distance falls in; past the last band (or without
    bands) it is ``per_km`` for each kilometre beyond the last band.
    """

    base: float = 0.0
    per_kg: float = 0.0
    included_weight: float = 0.0
    per_item: float = 0.0
    included_items: float = 0.0
    per_km: float = 0.0
    bands: tuple[DistanceBand, ...] = field(default_factory=tuple)
    maximum: float = 0.0

    def distance_price(self, distance_km):
        bands = sorted(self.bands, key=lambda band: band.up_to_km)
        for band in bands:
            if distance_km <= band.up_to_km:
                return band.price
        if bands:
            last = bands[-1]
            return last.price + self.per_km * (distance_km - last.up_to_km)
        return self.per_km * distance_km

    def price(self, weight, items, distance_km):
        """The price of a parcel of ``weight`` kg and ``items`` items sent
        ``distance_km`` kilometres away."""
        price = (
            self.base
            + self.per_kg * max(weight - self.included_weight, 0.0)
            + self.per_item * max(items - self.included_items, 0.0)
            + self.distance_price(max(distance_km, 0.0))
        )
        if self.maximum > 0:
            price = min(price, self.maximum)
        return price


def round_up_to_99(price):
    """The smallest price ending in .99 that is not below ``price``
    (12.30 → 12.99, 12.99 → 12.99, 13.00 → 13.99); 0 stays 0."""
    if price <= 0:
        return price
    # Work in cents so that 12.99 is not lifted to 13.99 by a binary fraction.
    cents = round(price * 100, 6)
    whole = math.floor(cents / 100)
    candidate = whole * 100 + 99
    if candidate < cents:
        candidate += 100
    return candidate / 100

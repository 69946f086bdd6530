"""Shipping prices and address checks, in plain Python (no Odoo import).

- ``formula``: the price of a parcel by weight, item count and distance;
- ``geo``: great-circle distances and an offline gazetteer of localities;
- ``addresses``: what is wrong with a postal address, checked against a
  locality nomenclature, and whether a phone number reaches a mobile.
"""

from .addresses import (
    AddressFacts,
    AddressProblem,
    Nomenclature,
    check_address,
    county_localities,
    normalize_name,
)
from .formula import DistanceBand, FormulaTariff, round_up_to_99
from .geo import Gazetteer, great_circle_km

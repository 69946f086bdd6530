"""A delivery address in a courier's own locality list.

Couriers keep their own list of counties and localities (Sameday, Cargus and
FAN Courier publish theirs) and spell them their own way: "Brașov" or
"Brasov", "Sector 1" or "Sector1", "Mun. Brașov"; Sameday lists Bucharest by
sector, Cargus and FAN Courier as one locality. ``match_locality`` finds the
courier's locality of an address, so that the courier receives its own
spelling (and id).
"""

import re

from .names import normalize_name

# Words that name the kind of locality rather than the locality.
_PREFIXES = re.compile(
    r"^(municipiul|municipiu|mun|orasul|oras|comuna|com|satul|sat)\b\.?\s*"
)
# Bucharest postal codes start with 0 and the sector's number (010061: Sector 1).
_BUCHAREST_ZIP = re.compile(r"^0([1-6])\d{4}$")


def locality_key(name):
    """A locality name as the lists are compared: without case, diacritics,
    the kind of locality ("Mun.", "Oraș", "Comuna"...), spaces, dots or
    dashes ("Mun. Cluj-Napoca" = "clujnapoca", "Sector 1" = "sector1")."""
    plain = _PREFIXES.sub("", normalize_name(name))
    return re.sub(r"[\s.\-']", "", plain)


def bucharest_sector(zip_code):
    """The Bucharest sector number of a postal code ("010061" → 1), or None."""
    match = _BUCHAREST_ZIP.match((zip_code or "").strip())
    return int(match[1]) if match else None


def match_locality(localities, city, zip_code="", municipality=""):
    """The courier's locality of an address, or None.

    :param localities: the courier's localities of the address's county, as
        dicts with at least ``name`` and optionally ``postal_code`` and
        ``parent_name`` (the municipality a village belongs to)
    :param city: the address's locality name
    :param zip_code: its postal code
    :param municipality: the municipality the locality belongs to, when known
        (two villages of a county may share a name)
    """
    key = locality_key(city)
    zip_code = (zip_code or "").strip()
    named = [item for item in localities if locality_key(item["name"]) == key]
    if len(named) > 1:
        # Homonyms: the one with the postal code, else of the municipality.
        by_zip = [
            item for item in named if zip_code and item.get("postal_code") == zip_code
        ]
        parent = locality_key(municipality)
        by_parent = [
            item
            for item in named
            if parent and locality_key(item.get("parent_name") or "") == parent
        ]
        return (by_zip or by_parent or named)[0]
    if named:
        return named[0]
    sector = bucharest_sector(zip_code)
    if sector or re.fullmatch(r"sector[1-6]", key):
        # Bucharest: listed by sector (Sameday) or as one locality (Cargus, FAN).
        keys = [f"sector{sector}" if sector else key, "bucuresti"]
        for wanted in keys:
            for item in localities:
                if locality_key(item["name"]) == wanted:
                    return item
    if zip_code:
        for item in localities:
            if item.get("postal_code") == zip_code:
                return item
    return None

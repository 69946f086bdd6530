"""What is wrong with a postal address, for a courier.

The nomenclature is the list of localities of each county (state) with
their postal codes, as a country's nomenclature gives it (for Romania, OCA's
``l10n_ro_city``: every locality with its county and, below the large towns
whose codes go street by street, its postal code). Countries without one
are checked for the street number, the phone and the served countries only.
"""

import functools
from dataclasses import dataclass, field

import phonenumbers

from .names import normalize_name

ZIP_PREFIX_LENGTH = 2  # a county's postal codes share their first digits


@dataclass(frozen=True)
class AddressFacts:
    """A delivery address as the checks need it."""

    country_code: str = ""
    state: str = ""  # any stable key of the county: its code or id
    state_name: str = ""
    city: str = ""
    zip: str = ""
    street: str = ""
    street_number: str = ""
    phones: tuple = ()
    # Countries the carrier serves (codes); empty: it serves every country.
    served_countries: frozenset = frozenset()


@dataclass(frozen=True)
class AddressProblem:
    """One thing wrong: a code and the values its message names."""

    code: str
    values: dict = field(default_factory=dict, hash=False, compare=False)


class Nomenclature:
    """Localities per (country, state), each with the postal codes it has."""

    def __init__(self):
        self.countries = set()
        self._localities = {}
        self._zip_prefixes = {}

    def add(self, country_code, state, name, zip_code=""):
        """Record a locality of the county ``state`` and its postal code."""
        country = (country_code or "").upper()
        self.countries.add(country)
        localities = self._localities.setdefault((country, state), {})
        key = normalize_name(name)
        zips = localities.get(key, frozenset())
        if zip_code:
            zips = zips | {zip_code.strip()}
        localities[key] = zips
        self._zip_prefixes.pop((country, state), None)

    def add_county(self, country_code, state, localities):
        """Record the localities of the county ``state`` at once.

        :param dict localities: {normalized name: frozenset of postal codes},
            as :func:`county_localities` makes it (not modified here)
        """
        country = (country_code or "").upper()
        self.countries.add(country)
        self._localities[(country, state)] = dict(localities)
        self._zip_prefixes.pop((country, state), None)

    def covers(self, country_code):
        return (country_code or "").upper() in self.countries

    def localities(self, country_code, state):
        return self._localities.get(((country_code or "").upper(), state), {})

    def zip_prefixes(self, country_code, state):
        key = ((country_code or "").upper(), state)
        prefixes = self._zip_prefixes.get(key)
        if prefixes is None:
            prefixes = self._zip_prefixes[key] = frozenset(
                zip_code[:ZIP_PREFIX_LENGTH]
                for zips in self.localities(country_code, state).values()
                for zip_code in zips
            )
        return prefixes


def county_localities(rows):
    """{normalized name: frozenset of postal codes} of (name, postal code)
    rows, for :meth:`Nomenclature.add_county`."""
    localities = {}
    for name, zip_code in rows:
        key = normalize_name(name)
        zips = localities.setdefault(key, set())
        if zip_code:
            zips.add(zip_code.strip())
    return {key: frozenset(zips) for key, zips in localities.items()}


MOBILE_TYPES = (
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)


@functools.lru_cache(maxsize=20_000)
def is_mobile(number, country_code):
    """Whether ``number`` is a valid mobile number (read in the country when
    it has no international prefix).

    A number's type is only known for a valid number (an invalid one is of
    type UNKNOWN), so the type alone answers. Answers are kept for the last
    20,000 numbers asked (customers order again).
    """
    try:
        parsed = phonenumbers.parse(number, (country_code or "").upper() or None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(parsed) in MOBILE_TYPES


def check_address(address, nomenclature):
    """The problems of ``address``, in the order a person fixes them.

    :param AddressFacts address:
    :param Nomenclature nomenclature: the localities of the countries known
    :return: list of AddressProblem, empty when the address is good
    """
    problems = []
    country = (address.country_code or "").upper()
    if not country:
        problems.append(AddressProblem("missing_country"))
    elif address.served_countries and country not in address.served_countries:
        problems.append(AddressProblem("country_not_served", {"country": country}))
    if nomenclature.covers(country):
        problems += _check_locality(address, nomenclature)
    if not (address.street_number or "").strip():
        problems.append(
            AddressProblem("missing_street_number", {"street": address.street or ""})
        )
    phones = [phone for phone in address.phones if (phone or "").strip()]
    if not any(is_mobile(phone, country) for phone in phones):
        problems.append(
            AddressProblem("phone_not_mobile", {"phone": ", ".join(phones)})
        )
    return problems


def _check_locality(address, nomenclature):
    country = address.country_code.upper()
    if not address.state:
        return [AddressProblem("missing_state")]
    localities = nomenclature.localities(country, address.state)
    zip_code = (address.zip or "").strip()
    values = {
        "city": address.city or "",
        "state": address.state_name or address.state,
        "zip": zip_code,
    }
    zips = localities.get(normalize_name(address.city))
    if zips is None:
        return [AddressProblem("unknown_locality", values)]
    if not zip_code:
        if zips or nomenclature.zip_prefixes(country, address.state):
            return [AddressProblem("missing_zip", values)]
        return []
    if zips:
        if zip_code not in zips:
            expected = ", ".join(sorted(zips))
            return [AddressProblem("zip_mismatch", {**values, "expected": expected})]
        return []
    # A large town's codes go street by street: the county's prefix at least.
    prefixes = nomenclature.zip_prefixes(country, address.state)
    if prefixes and zip_code[:ZIP_PREFIX_LENGTH] not in prefixes:
        return [
            AddressProblem(
                "zip_not_in_county",
                {**values, "expected": "/".join(sorted(prefixes))},
            )
        ]
    return []

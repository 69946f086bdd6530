"""The address check shared by orders and deliveries (one pass for many)."""

from odoo import api, models, tools
from odoo.tools import SQL

from ..shipping import AddressFacts, Nomenclature, check_address, county_localities

# What the check reads of an address, in this order.
PARTNER_FACTS = (
    "country_id",
    "state_id",
    "city_id",
    "city",
    "zip",
    "street",
    "street_number",
    "mobile",
    "phone",
)


class FulfilmentAddressCheck(models.AbstractModel):
    _name = "fulfilment.address.check"
    _description = "Delivery Address Check"

    @api.model
    def _problems(self, targets):
        """What is wrong with each delivery address, for its carrier.

        :param targets: dict {key: (partner, carrier)}
        :return: dict {key: list of translated sentences}
        """
        # Countries, counties and localities are public facts: read as
        # superuser, for every address at once.
        partners = (
            self.env["res.partner"]
            .sudo()
            .union(*(partner for partner, _carrier in targets.values()))
        )
        rows = self._partner_facts(partners)
        # What many addresses share is read once: the countries' codes, the
        # counties' and localities' names, the carriers' served countries.
        countries = (
            self.env["res.country"]
            .sudo()
            .browse({row[0] for row in rows.values()} - {None, False})
        )
        states = (
            self.env["res.country.state"]
            .sudo()
            .browse({row[1] for row in rows.values()} - {None, False})
        )
        codes = {country.id: country.code for country in countries}
        state_names = {state.id: state.name for state in states}
        cities = {
            city.id: city.name
            for city in self.env["res.city"]
            .sudo()
            .browse({row[2] for row in rows.values()} - {None, False})
        }
        nomenclature = self._nomenclature(countries, states)
        served = {}  # carrier id: codes of the countries it serves
        messages = {}
        for key, (partner, carrier) in targets.items():
            if carrier.id not in served:
                served[carrier.id] = frozenset(carrier.country_ids.mapped("code"))
            row = rows[partner.id]
            country_id, state_id, city_id, city, zip_code, street, number = row[:7]
            facts = AddressFacts(
                country_code=codes.get(country_id) or "",
                state=state_id or "",
                state_name=state_names.get(state_id) or "",
                city=(cities[city_id] if city_id else city) or "",
                zip=zip_code or "",
                street=street or "",
                street_number=number or "",
                phones=tuple(phone for phone in row[7:] if phone),
                served_countries=served[carrier.id],
            )
            messages[key] = [
                self._message(problem, partner, carrier)
                for problem in check_address(facts, nomenclature)
            ]
        return messages

    @api.model
    def _partner_facts(self, partners):
        """{partner id: (country id, state id, city id, city, zip, street,
        street number, mobile, phone)}, read in one query for the saved
        partners (an address being edited in a form is read from the form)."""
        saved = partners.browse(pid for pid in partners._ids if isinstance(pid, int))
        facts = {}
        if saved:
            saved.flush_recordset(PARTNER_FACTS)
            self.env.cr.execute(
                SQL(
                    "SELECT id, %s FROM res_partner WHERE id IN %s",
                    SQL(", ").join(SQL.identifier(name) for name in PARTNER_FACTS),
                    tuple(saved.ids),
                )
            )
            facts = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for partner in partners - saved:
            facts[partner.id] = tuple(
                value.id if isinstance(value, models.BaseModel) else value
                for value in (partner[name] for name in PARTNER_FACTS)
            )
        return facts

    @api.model
    def _nomenclature(self, countries, states):
        """The localities of the given counties, for the given countries whose
        localities are known (``res.city`` records: for Romania, OCA's
        ``l10n_ro_city``)."""
        nomenclature = Nomenclature()
        covered = self._nomenclature_country_codes()
        countries = countries.filtered(lambda c: c.id in covered)
        for country in countries:
            nomenclature.countries.add(country.code)
        for state in states.filtered(lambda s: s.country_id in countries):
            nomenclature.add_county(
                covered[state.country_id.id],
                state.id,
                self._county_localities(state.id),
            )
        return nomenclature

    # The nomenclature changes with the data of a module (an update reloads
    # the registry) or by hand (``res.city`` clears these caches).
    @api.model
    @tools.ormcache()
    def _nomenclature_country_codes(self):
        """{country id: code} of the countries that have localities."""
        self.env["res.city"].flush_model(["country_id"])
        self.env.cr.execute(
            """
            SELECT country.id, country.code
              FROM res_country country
             WHERE EXISTS (SELECT 1 FROM res_city city
                            WHERE city.country_id = country.id)
            """
        )
        return dict(self.env.cr.fetchall())

    @api.model
    @tools.ormcache("state_id", "self.env.lang")
    def _county_localities(self, state_id):
        """{normalized name: frozenset of postal codes} of the county's
        localities (names in the user's language)."""
        cities = (
            self.env["res.city"]
            .sudo()
            .search_fetch([("state_id", "=", state_id)], ["name", "zipcode"])
        )
        return county_localities((city.name, city.zipcode) for city in cities)

    @api.model
    def _message(self, problem, partner, carrier):
        # The environment's translation (``self.env._``): no look-up of the
        # caller's frame for each of thousands of sentences.
        values = problem.values
        code = problem.code
        if code == "missing_country":
            return self.env._("The country is missing.")
        if code == "country_not_served":
            return self.env._(
                "%(carrier)s does not deliver to %(country)s.",
                carrier=carrier.name,
                country=partner.country_id.name,
            )
        if code == "missing_state":
            return self.env._("The county (state) is missing.")
        if code == "unknown_locality":
            return self.env._(
                "“%(city)s” is not a locality of %(state)s.",
                city=values["city"],
                state=values["state"],
            )
        if code == "missing_zip":
            return self.env._(
                "The postal code of %(city)s is missing.", city=values["city"]
            )
        if code == "zip_mismatch":
            return self.env._(
                "Postal code %(zip)s does not match %(city)s (its code: %(expected)s).",
                zip=values["zip"],
                city=values["city"],
                expected=values["expected"],
            )
        if code == "zip_not_in_county":
            return self.env._(
                "Postal code %(zip)s is not one of %(state)s (they start with "
                "%(expected)s).",
                zip=values["zip"],
                state=values["state"],
                expected=values["expected"],
            )
        if code == "missing_street_number":
            return self.env._("The street number is missing.")
        if code == "phone_not_mobile":
            if values.get("phone"):
                return self.env._(
                    "%(phone)s is not a valid mobile number for the courier's notices.",
                    phone=values["phone"],
                )
            return self.env._(
                "A mobile phone number for the courier's notices is missing."
            )
        return code

"""The address check shared by orders and deliveries (one pass for many)."""

from odoo import _, api, models, tools

from ..shipping import AddressFacts, Nomenclature, check_address, county_localities


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
        nomenclature = self._nomenclature(partners)
        # What many addresses share is read once: the countries' codes, the
        # counties' and localities' names, the carriers' served countries.
        codes = {country.id: country.code for country in partners.country_id}
        states = {state.id: state.name for state in partners.state_id}
        cities = {city.id: city.name for city in partners.city_id}
        served = {}  # carrier id: codes of the countries it serves
        messages = {}
        for key, (partner, carrier) in targets.items():
            if carrier.id not in served:
                served[carrier.id] = frozenset(carrier.country_ids.mapped("code"))
            state_id = partner.state_id.id
            city_id = partner.city_id.id
            mobile, phone = partner.mobile, partner.phone
            facts = AddressFacts(
                country_code=codes.get(partner.country_id.id) or "",
                state=state_id or "",
                state_name=states.get(state_id) or "",
                city=(cities[city_id] if city_id else partner.city) or "",
                zip=partner.zip or "",
                street=partner.street or "",
                street_number=partner.street_number or "",
                phones=tuple(number for number in (mobile, phone) if number),
                served_countries=served[carrier.id],
            )
            messages[key] = [
                self._message(problem, partner, carrier)
                for problem in check_address(facts, nomenclature)
            ]
        return messages

    @api.model
    def _nomenclature(self, partners):
        """The localities of the partners' counties, for the countries whose
        localities are known (``res.city`` records: for Romania, OCA's
        ``l10n_ro_city``)."""
        nomenclature = Nomenclature()
        covered = self._nomenclature_country_codes()
        countries = partners.country_id.filtered(lambda c: c.id in covered)
        for country in countries:
            nomenclature.countries.add(country.code)
        states = partners.filtered(lambda p: p.country_id in countries).state_id
        for state in states:
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
        values = problem.values
        code = problem.code
        if code == "missing_country":
            return _("The country is missing.")
        if code == "country_not_served":
            return _(
                "%(carrier)s does not deliver to %(country)s.",
                carrier=carrier.name,
                country=partner.country_id.name,
            )
        if code == "missing_state":
            return _("The county (state) is missing.")
        if code == "unknown_locality":
            return _(
                "“%(city)s” is not a locality of %(state)s.",
                city=values["city"],
                state=values["state"],
            )
        if code == "missing_zip":
            return _("The postal code of %(city)s is missing.", city=values["city"])
        if code == "zip_mismatch":
            return _(
                "Postal code %(zip)s does not match %(city)s (its code: %(expected)s).",
                zip=values["zip"],
                city=values["city"],
                expected=values["expected"],
            )
        if code == "zip_not_in_county":
            return _(
                "Postal code %(zip)s is not one of %(state)s (they start with "
                "%(expected)s).",
                zip=values["zip"],
                state=values["state"],
                expected=values["expected"],
            )
        if code == "missing_street_number":
            return _("The street number is missing.")
        if code == "phone_not_mobile":
            if values.get("phone"):
                return _(
                    "%(phone)s is not a valid mobile number for the courier's notices.",
                    phone=values["phone"],
                )
            return _("A mobile phone number for the courier's notices is missing.")
        return code

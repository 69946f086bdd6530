"""The address check shared by orders and deliveries (one pass for many)."""

from odoo import _, api, models

from ..shipping import AddressFacts, Nomenclature, check_address


class FulfilmentAddressCheck(models.AbstractModel):
    _name = "fulfilment.address.check"
    _description = "Delivery Address Check"

    @api.model
    def _problems(self, targets):
        """What is wrong with each delivery address, for its carrier.

        :param targets: dict {key: (partner, carrier)}
        :return: dict {key: list of translated sentences}
        """
        partners = self.env["res.partner"].union(
            *(partner for partner, _carrier in targets.values())
        )
        nomenclature = self._nomenclature(partners)
        messages = {}
        for key, (partner, carrier) in targets.items():
            facts = self._facts(partner, carrier)
            messages[key] = [
                self._message(problem, partner, carrier)
                for problem in check_address(facts, nomenclature)
            ]
        return messages

    @api.model
    def _facts(self, partner, carrier):
        return AddressFacts(
            country_code=partner.country_id.code or "",
            state=partner.state_id.id or "",
            state_name=partner.state_id.name or "",
            city=partner.city_id.name or partner.city or "",
            zip=partner.zip or "",
            street=partner.street or "",
            street_number=partner.street_number or "",
            phones=tuple(phone for phone in (partner.mobile, partner.phone) if phone),
            served_countries=frozenset(carrier.country_ids.mapped("code")),
        )

    @api.model
    def _nomenclature(self, partners):
        """The localities of the partners' counties, for the countries whose
        localities are known (``res.city`` records: for Romania, OCA's
        ``l10n_ro_city``)."""
        nomenclature = Nomenclature()
        City = self.env["res.city"].sudo()
        countries = partners.country_id
        if not countries:
            return nomenclature
        covered = [
            country
            for (country,) in City._read_group(
                [("country_id", "in", countries.ids)], ["country_id"]
            )
        ]
        for country in covered:
            nomenclature.countries.add(country.code)
        states = partners.filtered(lambda p: p.country_id in covered).state_id
        if not states:
            return nomenclature
        codes = {country.id: country.code for country in covered}
        for row in City.search_read(
            [("state_id", "in", states.ids)],
            ["name", "zipcode", "state_id", "country_id"],
            load=None,
        ):
            nomenclature.add(
                codes.get(row["country_id"], ""),
                row["state_id"],
                row["name"],
                row["zipcode"] or "",
            )
        return nomenclature

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

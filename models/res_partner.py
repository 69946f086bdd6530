"""Customers: company identification codes checked at checkout, coordinates
of delivery addresses for the distance formula, street parts for the couriers."""

from stdnum.ro import cf as ro_cf
from stdnum.ro import cui as ro_cui

from odoo import _, api, models, tools


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _fulfilment_normalize_company_vat(self, vat):
        """A CUI as stored: digits, with the RO prefix only if it was given
        (VAT payers), spaces and dashes removed."""
        return ro_cf.compact(vat or "")

    @api.model
    def _fulfilment_company_vat_error(self, vat, country=None):
        """Why ``vat`` is not a valid identification code of a company of
        ``country``, or None. Romanian companies: the CUI checksum (with or
        without the RO prefix), through python-stdnum."""
        if country and country.code != "RO":
            return None
        number = self._fulfilment_normalize_company_vat(vat)
        digits = number.removeprefix("RO")
        if not ro_cui.is_valid(digits):
            return _(
                "%s is not a valid CUI: check the digits (the RO prefix is optional).",
                vat,
            )
        return None

    def _fulfilment_street_parts(self):
        """(street name, house number) of the address, as
        ``base_address_extended`` splits it: what couriers want in two fields
        (``street2`` is not included)."""
        self.ensure_one()
        return (self.street_name or "").strip(), (self.street_number or "").strip()

    def _fulfilment_coordinates(self):
        """(latitude, longitude) of the address, or None when unknown.

        The partner's own coordinates when it has them (geolocated), else
        the locality's centre from the offline gazetteer; a village missing
        there is placed at its municipality, else at its county's largest
        town (see ``shipping/geo.py`` for the precision).
        """
        self.ensure_one()
        if self.partner_latitude or self.partner_longitude:
            return (self.partner_latitude, self.partner_longitude)
        return self._fulfilment_locality_point(
            self.country_id.id, self.state_id.id, self.city_id.id, self.city or ""
        )

    # Kept until the nomenclature changes (``res.city`` clears the cache).
    @api.model
    @tools.ormcache("country_id", "state_id", "city_id", "city")
    def _fulfilment_locality_point(self, country_id, state_id, city_id, city):
        """(latitude, longitude) of a locality, or None when unknown."""
        gazetteer = self.env["delivery.carrier"]._fulfilment_gazetteer()
        country = self.env["res.country"].browse(country_id)
        state = self.env["res.country.state"].browse(state_id)
        locality = self.env["res.city"].sudo().browse(
            city_id
        ) or self._fulfilment_find_city(country_id, state_id, city)
        place = gazetteer.find(country.code, locality.name or city, city)
        if not place and locality and "l10n_ro_municipality" in locality._fields:
            place = gazetteer.find(country.code, locality.l10n_ro_municipality)
        if not place and state:
            names = (
                self.env["res.city"]
                .sudo()
                .search_fetch([("state_id", "=", state.id)], ["name"])
            )
            place = gazetteer.largest(country.code, [*names.mapped("name"), state.name])
        return place.point if place else None

    def _fulfilment_nomenclature_city(self):
        """The nomenclature's locality written in ``city``, in the county."""
        self.ensure_one()
        return self._fulfilment_find_city(
            self.country_id.id, self.state_id.id, self.city
        ).with_env(self.env)

    @api.model
    def _fulfilment_find_city(self, country_id, state_id, city):
        """The locality named ``city`` of the country (and county when
        given), or an empty recordset (as superuser)."""
        City = self.env["res.city"].sudo()
        if not city or not country_id:
            return City
        domain = [("country_id", "=", country_id), ("name", "=ilike", city)]
        if state_id:
            domain.append(("state_id", "=", state_id))
        return City.search(domain, limit=1)

    def _fulfilment_complete_city(self):
        """Set the nomenclature's locality (``city_id``) of addresses typed
        before their country enforced the list (the shop's checkout asks for
        it): when the typed city is a locality of the county."""
        for partner in self:
            if (
                partner.country_id.enforce_cities
                and not partner.city_id
                and partner.city
                and partner.state_id
            ):
                city = partner._fulfilment_nomenclature_city()
                if city:
                    partner.city_id = city

    def signup_prepare(self, signup_type="signup"):
        """Only the partners whose signup type changes are written.

        Odoo prepares the customer's signup each time a message about one of
        their documents is e-mailed (the portal link of the notification):
        writing the same type again changes nothing but locks the customer's
        row, so that two transactions notifying of two orders of one customer
        at once (two cron workers sending their deliveries) fail with a
        serialization error.
        """
        changing = self.filtered(
            lambda partner: partner.sudo().signup_type != signup_type
        )
        if not changing:
            return True
        return super(ResPartner, changing).signup_prepare(signup_type=signup_type)

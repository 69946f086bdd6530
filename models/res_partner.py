"""Customers: company identification codes checked at checkout, coordinates
of delivery addresses for the distance formula, street parts for the couriers."""

from stdnum.ro import cf as ro_cf
from stdnum.ro import cui as ro_cui

from odoo import _, api, models


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
        gazetteer = self.env["delivery.carrier"]._fulfilment_gazetteer()
        country = self.country_id.code
        city = self.city_id or self._fulfilment_nomenclature_city()
        place = gazetteer.find(country, city.name or self.city, self.city)
        if not place and city and "l10n_ro_municipality" in city._fields:
            place = gazetteer.find(country, city.l10n_ro_municipality)
        if not place and self.state_id:
            names = self.env["res.city"].search_fetch(
                [("state_id", "=", self.state_id.id)], ["name"]
            )
            place = gazetteer.largest(
                country, [*names.mapped("name"), self.state_id.name]
            )
        return place.point if place else None

    def _fulfilment_nomenclature_city(self):
        """The nomenclature's locality written in ``city``, in the county."""
        self.ensure_one()
        if not self.city or not self.country_id:
            return self.env["res.city"]
        domain = [
            ("country_id", "=", self.country_id.id),
            ("name", "=ilike", self.city),
        ]
        if self.state_id:
            domain.append(("state_id", "=", self.state_id.id))
        return self.env["res.city"].search(domain, limit=1)

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

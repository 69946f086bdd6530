"""The shop's address form in the countries whose localities Odoo knows
(Enforce Cities; for Romania, OCA's ``l10n_ro_city``): county → locality from
the country's list (``res.city``) filling the postal code, and the street
number in its own field. Other countries keep Odoo's form."""

from odoo.http import request, route

from odoo.addons.website_sale.controllers.main import WebsiteSale


class WebsiteSaleAddress(WebsiteSale):
    def _prepare_address_form_values(self, order_sudo, partner_sudo, *args, **kwargs):
        values = super()._prepare_address_form_values(
            order_sudo, partner_sudo, *args, **kwargs
        )
        state = request.env["res.country.state"].sudo().browse(values["state_id"])
        cities = (
            self._fulfilment_cities(state)
            if values["country"].enforce_cities
            else request.env["res.city"].sudo()
        )
        values["fulfilment_city_options"] = [
            (city.id, self._fulfilment_city_label(city), city.zipcode or "")
            for city in cities
        ]
        values["fulfilment_city_id"] = partner_sudo.city_id.id
        return values

    def _get_mandatory_address_fields(self, country_sudo):
        field_names = super()._get_mandatory_address_fields(country_sudo)
        if country_sudo.enforce_cities:
            # The street name and the house number are two fields of the form,
            # the locality is chosen in the county's list. Elsewhere the form
            # is Odoo's (one street field).
            field_names = (field_names - {"street", "city"}) | {
                "street_name",
                "city_id",
                "state_id",
            }
        return field_names

    def _get_mandatory_delivery_address_fields(self, country_sudo):
        field_names = super()._get_mandatory_delivery_address_fields(country_sudo)
        if country_sudo.enforce_cities:
            # Couriers want the house number; the nomenclature countries say so.
            field_names.add("street_number")
        return field_names

    def _check_delivery_address(self, partner_sudo):
        partner_sudo._fulfilment_complete_city()
        return super()._check_delivery_address(partner_sudo)

    def _check_billing_address(self, partner_sudo):
        partner_sudo._fulfilment_complete_city()
        return super()._check_billing_address(partner_sudo)

    def _parse_form_data(self, form_data):
        address_values, extra_form_data = super()._parse_form_data(form_data)
        if "street_name" in address_values:
            # The street as Odoo keeps it (what the two fields write anyway),
            # for the checks that want a street.
            address_values["street"] = " ".join(
                part
                for part in (
                    address_values["street_name"],
                    address_values.get("street_number"),
                )
                if part
            )
        city = request.env["res.city"].sudo().browse(address_values.get("city_id"))
        if city:
            # The locality chosen in the list names the city, its county, and
            # its postal code unless the customer typed one (large towns have
            # one per street).
            address_values["city"] = city.name
            address_values["state_id"] = city.state_id.id
            if not address_values.get("zip") and city.zipcode:
                address_values["zip"] = city.zipcode
        return address_values, extra_form_data

    @route(
        "/shop/fulfilment/cities/<model('res.country.state'):state>",
        type="json",
        auth="public",
        methods=["POST"],
        website=True,
        readonly=True,
    )
    def fulfilment_cities(self, state, **kwargs):
        """The localities of a county: [(id, label, postal code)]."""
        return [
            (city.id, self._fulfilment_city_label(city), city.zipcode or "")
            for city in self._fulfilment_cities(state)
        ]

    def _fulfilment_cities(self, state):
        if not state:
            return request.env["res.city"].sudo()
        return (
            request.env["res.city"]
            .sudo()
            .search([("state_id", "=", state.id)], order="name, id")
        )

    @staticmethod
    def _fulfilment_city_label(city):
        """A village with its municipality ("Predeluț (Bran)"): several
        villages of a county share a name."""
        municipality = (
            city.l10n_ro_municipality if "l10n_ro_municipality" in city._fields else ""
        )
        if municipality and municipality != city.name:
            return f"{city.name} ({municipality})"
        return city.name

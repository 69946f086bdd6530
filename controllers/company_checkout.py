"""Company customers at checkout: person or company, CUI checked, trade
register number, the company as the invoiced partner."""

from odoo.http import request

from odoo.addons.website_sale.controllers.main import WebsiteSale

CUSTOMER_TYPE_FIELD = "fulfilment_customer_type"


class FulfilmentCompanyCheckout(WebsiteSale):
    def _prepare_address_form_values(self, order_sudo, partner_sudo, *args, **kwargs):
        values = super()._prepare_address_form_values(
            order_sudo, partner_sudo, *args, **kwargs
        )
        # Romanian shops and customers know the tax id as the CUI.
        countries = values.get("country") or order_sudo.company_id.country_id
        if "RO" in countries.mapped("code"):
            values["vat_label"] = request.env._("CUI (tax identification code)")
        return values

    def _parse_form_data(self, form_data):
        """A billing address of a company becomes a company partner: its name is
        the company's, with its CUI and trade register number."""
        address_values, extra_form_data = super()._parse_form_data(form_data)
        customer_type = form_data.get(CUSTOMER_TYPE_FIELD)
        if customer_type == "company":
            registry = extra_form_data.pop("company_registry", "")
            vat = address_values.get("vat")
            address_values.update(
                {
                    "is_company": True,
                    "name": address_values.get("company_name") or "",
                    "company_name": False,
                    "company_registry": " ".join(registry.split()).upper() or False,
                    "vat": request.env["res.partner"]._fulfilment_normalize_company_vat(
                        vat
                    )
                    if vat
                    else False,
                }
            )
        elif customer_type == "person":
            address_values.update({"is_company": False, "company_registry": False})
        return address_values, extra_form_data

    def _validate_address_values(
        self,
        address_values,
        partner_sudo,
        address_type,
        use_delivery_as_billing,
        required_fields,
        is_main_address,
        **kwargs,
    ):
        invalid_fields, missing_fields, error_messages = (
            super()._validate_address_values(
                address_values,
                partner_sudo,
                address_type,
                use_delivery_as_billing,
                required_fields,
                is_main_address,
                **kwargs,
            )
        )
        if not address_values.get("is_company"):
            return invalid_fields, missing_fields, error_messages
        # The partner's name is the company's: an empty name is the company name.
        if not address_values.get("name"):
            missing_fields.discard("name")
            missing_fields.add("company_name")
        if not address_values.get("vat"):
            missing_fields.add("vat")
        else:
            # Also when Odoo's VAT check (base_vat) refused it: its message
            # speaks of VAT numbers, ours says what a CUI needs.
            country = request.env["res.country"].browse(
                address_values.get("country_id")
            )
            error = request.env["res.partner"]._fulfilment_company_vat_error(
                address_values["vat"], country
            )
            if error:
                invalid_fields.add("vat")
                error_messages.append(error)
        required_message = request.env._("Some required fields are empty.")
        if missing_fields and required_message not in error_messages:
            error_messages.append(required_message)
        return invalid_fields, missing_fields, error_messages

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

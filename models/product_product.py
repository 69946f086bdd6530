from odoo import models

from .picker_access import picker_fetch_field, picker_field_check


class ProductProduct(models.Model):
    _inherit = "product.product"

    # ------------------------------------------------------------
    # Pickers: no prices
    # ------------------------------------------------------------

    _fulfilment_picker_hidden_fields = (
        "list_price",
        "lst_price",
        "standard_price",
        "price_extra",
    )

    def check_field_access_rights(self, operation, field_names):
        allowed = super().check_field_access_rights(operation, field_names)
        return picker_field_check(self, operation, field_names, allowed)

    def _fetch_field(self, field):
        return picker_fetch_field(
            self,
            field,
            lambda records, f: super()._fetch_field(f),
        )

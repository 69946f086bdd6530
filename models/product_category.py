from odoo import fields, models

from .fulfilment_warranty import WARRANTY_TYPES


class ProductCategory(models.Model):
    _inherit = "product.category"

    fulfilment_return_period_custom = fields.Boolean(
        string="Own Return Period",
        help="Products of this category have their own return period instead of "
        "the company's.",
    )
    fulfilment_return_period_days = fields.Integer(
        string="Return Period (days)",
        help="Days after delivery during which the products of this category can "
        "be returned; later requests need a manager's approval.",
    )

    def _get_fulfilment_return_period(self, company):
        """Return period in days for this category: its own, its parent's, or
        the company's."""
        category = self
        while category:
            if category.fulfilment_return_period_custom:
                return category.fulfilment_return_period_days
            category = category.parent_id
        return company.fulfilment_return_period_days

    # ------------------------------------------------------------
    # Warranty
    # ------------------------------------------------------------

    fulfilment_warranty_months = fields.Integer(
        string="Warranty (months)",
        help="Warranty of the products of this category, in months from delivery. "
        "0: the parent category's. Products may set their own.",
    )
    fulfilment_warranty_type = fields.Selection(
        WARRANTY_TYPES,
        string="Warranty Type",
        help="Legal (statutory conformity guarantee) or commercial (offered by the "
        "shop or the maker). Empty: the parent category's, else legal.",
    )
    fulfilment_warranty_terms = fields.Text(
        string="Warranty Terms",
        translate=True,
        help="Conditions printed on the warranty certificates of these products. "
        "Empty: the parent category's.",
    )

    def _get_fulfilment_warranty(self):
        """Warranty months, type and terms of this category, each taken from the
        nearest category (itself, then its parents) that sets it."""
        self.ensure_one()
        values = {"months": 0, "type": False, "terms": False}
        category = self
        while category and not all(values.values()):
            values["months"] = values["months"] or category.fulfilment_warranty_months
            values["type"] = values["type"] or category.fulfilment_warranty_type
            values["terms"] = values["terms"] or category.fulfilment_warranty_terms
            category = category.parent_id
        return values

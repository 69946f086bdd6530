from odoo import fields, models


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

from odoo import api, fields, models

from .picker_access import picker_fetch_field, picker_field_check


class ProductTemplate(models.Model):
    _inherit = "product.template"

    # ------------------------------------------------------------
    # Pickers: no prices
    # ------------------------------------------------------------

    _fulfilment_picker_hidden_fields = ("list_price", "standard_price")

    def check_field_access_rights(self, operation, field_names):
        allowed = super().check_field_access_rights(operation, field_names)
        return picker_field_check(self, operation, field_names, allowed)

    def _fetch_field(self, field):
        return picker_fetch_field(
            self,
            field,
            lambda records, f: super()._fetch_field(f),
        )

    # ------------------------------------------------------------
    # Committed stock: ordered on confirmed orders, not shipped yet
    # ------------------------------------------------------------

    fulfilment_committed_qty = fields.Float(
        string="Committed",
        compute="_compute_fulfilment_stock",
        digits="Product Unit of Measure",
        help="Quantity ordered on confirmed sale orders and not shipped yet.",
    )
    fulfilment_free_qty = fields.Float(
        string="Free",
        compute="_compute_fulfilment_stock",
        digits="Product Unit of Measure",
        help="On hand and not reserved.",
    )

    @api.depends_context("company")
    def _compute_fulfilment_stock(self):
        variants = self.with_context(active_test=False).product_variant_ids
        committed = dict(
            self.env["stock.move"]._read_group(
                variants._fulfilment_committed_moves_domain(),
                ["product_id"],
                ["product_qty:sum"],
            )
        )
        variants_by_template = variants.grouped("product_tmpl_id")
        for template in self:
            template_variants = variants_by_template.get(
                template._origin, variants.browse()
            )
            template.fulfilment_committed_qty = sum(
                committed.get(variant, 0.0) for variant in template_variants
            )
            template.fulfilment_free_qty = sum(template_variants.mapped("free_qty"))

    def action_fulfilment_committed_orders(self):
        """The confirmed orders that still have to ship this product."""
        return self.with_context(
            active_test=False
        ).product_variant_ids.action_fulfilment_committed_orders()

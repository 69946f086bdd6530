from odoo import _, api, fields, models

from .fulfilment_warranty import WARRANTY_TYPES


class ProductTemplate(models.Model):
    _name = "product.template"
    _inherit = ["product.template", "fulfilment.picker.hidden.mixin"]

    # ------------------------------------------------------------
    # Pickers: no prices
    # ------------------------------------------------------------

    _fulfilment_picker_hidden_fields = ("list_price", "standard_price")

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

    # ------------------------------------------------------------
    # Warranty: the product's own values override its category's
    # ------------------------------------------------------------

    fulfilment_no_warranty = fields.Boolean(
        string="No Warranty",
        help="Never issue warranty certificates for this product, whatever its "
        "category says.",
    )
    fulfilment_warranty_months = fields.Integer(
        string="Warranty (months)",
        help="Warranty in months from delivery. 0: the product category's.",
    )
    fulfilment_warranty_type = fields.Selection(
        WARRANTY_TYPES,
        string="Warranty Type",
        help="Legal (statutory conformity guarantee) or commercial (offered by the "
        "shop or the maker). Empty: the product category's.",
    )
    fulfilment_warranty_terms = fields.Text(
        string="Warranty Terms",
        translate=True,
        help="Conditions printed on the certificates. Empty: the category's.",
    )
    fulfilment_warranty_summary = fields.Char(
        string="Applied Warranty",
        compute="_compute_fulfilment_warranty_summary",
        help="The warranty delivered units of this product get.",
    )

    @api.depends(
        "fulfilment_no_warranty",
        "fulfilment_warranty_months",
        "fulfilment_warranty_type",
        "categ_id.fulfilment_warranty_months",
        "categ_id.fulfilment_warranty_type",
        "categ_id.parent_id",
    )
    def _compute_fulfilment_warranty_summary(self):
        types = dict(
            self._fields["fulfilment_warranty_type"]._description_selection(self.env)
        )
        for template in self:
            warranty = template._get_fulfilment_warranty()
            if not warranty["months"]:
                template.fulfilment_warranty_summary = _("No warranty certificate")
                continue
            origin = (
                _("product")
                if template.fulfilment_warranty_months
                else _("category %(category)s", category=template.categ_id.display_name)
            )
            template.fulfilment_warranty_summary = _(
                "%(months)s months, %(type)s (from the %(origin)s)",
                months=warranty["months"],
                type=types[warranty["type"]].lower(),
                origin=origin,
            )

    def _get_fulfilment_warranty(self):
        """Warranty of this product: ``{"months", "type", "terms"}``; months is
        0 when its units get no certificate."""
        self.ensure_one()
        if self.fulfilment_no_warranty:
            return {"months": 0, "type": False, "terms": False}
        category = (
            self.categ_id._get_fulfilment_warranty()
            if self.categ_id
            else {"months": 0, "type": False, "terms": False}
        )
        return {
            "months": self.fulfilment_warranty_months or category["months"],
            "type": self.fulfilment_warranty_type or category["type"] or "legal",
            "terms": self.fulfilment_warranty_terms or category["terms"] or "",
        }

from odoo import Command, api, fields, models

SURCHARGE_TYPES = [
    ("labour", "Extra labour"),
    ("shipping_change", "Change of shipping method"),
    ("restocking", "Restocking fee"),
    ("other", "Other"),
]


class FulfilmentRmaSurcharge(models.Model):
    _name = "fulfilment.rma.surcharge"
    _description = "Return Surcharge"
    _order = "rma_id, sequence, id"
    _check_company_auto = True

    rma_id = fields.Many2one(
        "fulfilment.rma", string="Return", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="rma_id.company_id", store=True)
    currency_id = fields.Many2one(related="rma_id.currency_id")
    surcharge_type = fields.Selection(
        SURCHARGE_TYPES, string="Type", required=True, default="labour"
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        compute="_compute_product_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        domain="[('sale_ok', '=', True)]",
    )
    name = fields.Char(
        string="Description",
        compute="_compute_name",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    quantity = fields.Float(
        default=1.0, digits="Product Unit of Measure", required=True
    )
    price_unit = fields.Monetary(
        string="Unit Price",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        precompute=True,
    )
    invoice_line_id = fields.Many2one("account.move.line", readonly=True, copy=False)
    is_invoiced = fields.Boolean(compute="_compute_is_invoiced")

    @api.depends("surcharge_type")
    def _compute_product_id(self):
        xmlids = {
            "labour": "order_fulfilment.product_rma_surcharge_labour",
            "shipping_change": "order_fulfilment.product_rma_surcharge_shipping",
            "restocking": "order_fulfilment.product_rma_surcharge_restocking",
            "other": "order_fulfilment.product_rma_surcharge_labour",
        }
        for surcharge in self:
            if surcharge.product_id and surcharge.surcharge_type == "other":
                continue
            surcharge.product_id = self.env.ref(
                xmlids[surcharge.surcharge_type], raise_if_not_found=False
            )

    @api.depends("product_id")
    def _compute_name(self):
        for surcharge in self:
            surcharge.name = surcharge.product_id.display_name or surcharge.name

    @api.depends("product_id")
    def _compute_price_unit(self):
        for surcharge in self:
            surcharge.price_unit = surcharge.product_id.lst_price

    @api.depends("invoice_line_id")
    def _compute_is_invoiced(self):
        for surcharge in self:
            surcharge.is_invoiced = bool(surcharge.invoice_line_id)

    def _prepare_invoice_line(self):
        """Values of the invoice line billing this surcharge (hook)."""
        self.ensure_one()
        fiscal_position = self.rma_id.order_id.fiscal_position_id
        taxes = self.product_id.taxes_id._filter_taxes_by_company(self.company_id)
        return {
            "sequence": self.sequence,
            "product_id": self.product_id.id,
            "name": self.name,
            "quantity": self.quantity,
            "price_unit": self.price_unit,
            "tax_ids": [Command.set(fiscal_position.map_tax(taxes).ids)],
        }

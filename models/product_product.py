from odoo import _, fields, models


class ProductProduct(models.Model):
    _name = "product.product"
    _inherit = ["product.product", "fulfilment.picker.hidden.mixin"]

    # ------------------------------------------------------------
    # Pickers: no prices
    # ------------------------------------------------------------

    _fulfilment_picker_hidden_fields = (
        "list_price",
        "lst_price",
        "standard_price",
        "price_extra",
    )

    # ------------------------------------------------------------
    # Committed stock: ordered on confirmed orders, not shipped yet
    # ------------------------------------------------------------

    fulfilment_committed_qty = fields.Float(
        string="Committed",
        compute="_compute_fulfilment_committed_qty",
        digits="Product Unit of Measure",
        help="Quantity ordered on confirmed sale orders and not shipped yet.",
    )

    def _fulfilment_committed_moves_domain(self):
        return [
            ("product_id", "in", self.ids),
            ("sale_line_id", "!=", False),
            ("state", "not in", ("draft", "cancel", "done")),
            ("location_dest_id.usage", "=", "customer"),
        ]

    def _compute_fulfilment_committed_qty(self):
        committed = dict(
            self.env["stock.move"]._read_group(
                self._fulfilment_committed_moves_domain(),
                ["product_id"],
                ["product_qty:sum"],
            )
        )
        for product in self:
            product.fulfilment_committed_qty = committed.get(product._origin, 0.0)

    def action_fulfilment_committed_orders(self):
        """The confirmed orders that still have to ship these products."""
        moves = self.env["stock.move"].search(self._fulfilment_committed_moves_domain())
        return {
            "type": "ir.actions.act_window",
            "name": _("Committed Orders"),
            "res_model": "sale.order",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", moves.sale_line_id.order_id.ids)],
            "context": {"create": False},
        }

from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    fulfilment_rma_line_id = fields.Many2one(
        "fulfilment.rma.line",
        string="Returned Item",
        index="btree_not_null",
        help="Kept when the move is split, so a backorder still counts for the "
        "returned item.",
    )

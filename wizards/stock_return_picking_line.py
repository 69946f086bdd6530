from odoo import models


class StockReturnPickingLine(models.TransientModel):
    _inherit = "stock.return.picking.line"

    def _prepare_move_default_values(self, new_picking):
        # A return copies the move it returns: it must not inherit that move's
        # link to an RMA item (e.g. when a replacement delivery is returned).
        vals = super()._prepare_move_default_values(new_picking)
        vals["fulfilment_rma_line_id"] = False
        return vals

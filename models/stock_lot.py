from odoo import models


class StockLot(models.Model):
    _name = "stock.lot"
    _inherit = ["stock.lot", "fulfilment.picker.hidden.mixin"]

    # Pickers scan lots and serial numbers: their valuation stays hidden (the
    # money fields are found by the mixin).

"""Totes of batch picking: each delivery of a batch gets the number of the
tote (crate, slot of the trolley) its goods are put in during the walk."""

from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    fulfilment_tote = fields.Integer(
        string="Tote",
        copy=False,
        readonly=True,
        help="Number of the tote this delivery's goods go into while its batch "
        "is picked; given when the delivery joins a batch.",
    )

    def write(self, vals):
        if "batch_id" not in vals or "fulfilment_tote" in vals:
            return super().write(vals)
        # A delivery that changes batch leaves its tote behind.
        moving = self.filtered(
            lambda picking: picking.batch_id.id != (vals["batch_id"] or False)
        )
        result = super().write(vals)
        if moving:
            moving.write({"fulfilment_tote": 0})
            moving.batch_id._fulfilment_number_totes()
        return result

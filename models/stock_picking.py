from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    fulfilment_rma_id = fields.Many2one(
        "fulfilment.rma",
        string="Return (RMA)",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )

    def _action_done(self):
        result = super()._action_done()
        # Warehouse users receive the parcel; the return follows as a system
        # event (the status history still records who validated).
        self.filtered(
            lambda p: p.fulfilment_rma_id and p.picking_type_code == "incoming"
        ).fulfilment_rma_id.sudo()._on_return_received()
        return result

    def _create_backorder_picking(self):
        # The rest of a partly received return still belongs to its RMA.
        backorder = super()._create_backorder_picking()
        if self.fulfilment_rma_id:
            backorder.fulfilment_rma_id = self.fulfilment_rma_id
        return backorder

    def action_view_fulfilment_rma(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "fulfilment.rma",
            "view_mode": "form",
            "res_id": self.fulfilment_rma_id.id,
        }

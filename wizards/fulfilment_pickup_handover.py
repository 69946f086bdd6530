from odoo import fields, models


class FulfilmentPickupHandover(models.TransientModel):
    _name = "fulfilment.pickup.handover"
    _description = "Hand an Order Over in Store"

    picking_id = fields.Many2one("stock.picking", required=True, readonly=True)
    partner_id = fields.Many2one(related="picking_id.partner_id")
    code = fields.Char(
        string="Pickup Code",
        required=True,
        help="Typed, or scanned from the QR code of the customer's e-mail.",
    )

    def action_handover(self):
        self.ensure_one()
        self.picking_id.action_fulfilment_handover(code=self.code)
        return {"type": "ir.actions.act_window_close"}

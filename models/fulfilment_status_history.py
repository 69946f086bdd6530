from odoo import fields, models


class FulfilmentStatusHistory(models.Model):
    _name = "fulfilment.status.history"
    _description = "Order Fulfilment Status Change"
    _order = "date desc, id desc"
    _rec_name = "order_id"

    order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    partner_id = fields.Many2one(
        related="order_id.partner_id", string="Customer", store=True
    )
    status_from_id = fields.Many2one(
        "fulfilment.status", string="From", ondelete="restrict"
    )
    status_to_id = fields.Many2one(
        "fulfilment.status", string="To", required=True, ondelete="restrict", index=True
    )
    user_id = fields.Many2one(
        "res.users", string="By", required=True, default=lambda self: self.env.user
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    reason = fields.Char()
    is_automatic = fields.Boolean(
        string="Automatic", help="Set by an event rather than by a person."
    )
    event = fields.Char(help="Technical name of the event that caused the change.")

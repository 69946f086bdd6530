"""Referrers: up to 10 touches per order, first and last stored."""

from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    referrer_ids = fields.One2many(
        "fulfilment.referrer", "order_id", string="Referrers", copy=False
    )
    first_touch_channel_id = fields.Many2one(
        "fulfilment.referrer.channel",
        string="First-touch Channel",
        compute="_compute_touch_fields",
        store=True,
        index=True,
    )
    first_touch_channel_type = fields.Selection(
        related="first_touch_channel_id.channel_type",
        string="First-touch Channel Type",
        store=True,
        index=True,
    )
    first_touch_source_id = fields.Many2one(
        "utm.source",
        string="First-touch Source",
        compute="_compute_touch_fields",
        store=True,
        index=True,
    )
    last_touch_channel_id = fields.Many2one(
        "fulfilment.referrer.channel",
        string="Last-touch Channel",
        compute="_compute_touch_fields",
        store=True,
        index=True,
    )
    last_touch_channel_type = fields.Selection(
        related="last_touch_channel_id.channel_type",
        string="Last-touch Channel Type",
        store=True,
        index=True,
    )
    last_touch_source_id = fields.Many2one(
        "utm.source",
        string="Last-touch Source",
        compute="_compute_touch_fields",
        store=True,
        index=True,
    )

    @api.depends(
        "referrer_ids.position",
        "referrer_ids.touch_date",
        "referrer_ids.channel_id",
        "referrer_ids.source_id",
    )
    def _compute_touch_fields(self):
        for order in self:
            touches = order.referrer_ids.sorted(
                lambda t: (t.position, t.touch_date, t.id)
            )
            first, last = touches[:1], touches[-1:]
            order.first_touch_channel_id = first.channel_id
            order.first_touch_source_id = first.source_id
            order.last_touch_channel_id = last.channel_id
            order.last_touch_source_id = last.source_id

    def _fulfilment_add_touches(self, touches):
        """Merge the web shop's touches (plain dicts) into the order's referrers."""
        self.ensure_one()
        self.env["fulfilment.referrer"].sudo()._merge_into_order(self, touches)

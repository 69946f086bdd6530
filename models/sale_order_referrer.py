"""Referrers: up to 10 touches per order, first and last stored."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import sql


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

    # "Orders whose referrer, at any touch, is channel X": the channels of the
    # order's touches kept in the order's own row ("|3|7|"), so that the search
    # is a check of the rows already selected (by month, by status...) instead
    # of a join with the million rows of touches.
    referrer_channel_keys = fields.Char(
        compute="_compute_touch_fields",
        store=True,
        index="trigram",
        help="Technical: the ids of the channels of the order's touches.",
    )
    referrer_channel_ids = fields.Many2many(
        "fulfilment.referrer.channel",
        string="Referrer Channels (any touch)",
        compute="_compute_referrer_channel_ids",
        search="_search_referrer_channel_ids",
    )

    def _auto_init(self):
        # On a shop with many orders, fill the channels of existing orders in
        # one statement rather than letting the ORM recompute every order.
        cr = self.env.cr
        if not sql.column_exists(cr, self._table, "referrer_channel_keys"):
            sql.create_column(cr, self._table, "referrer_channel_keys", "varchar")
            if sql.table_exists(cr, "fulfilment_referrer"):
                cr.execute(
                    """
                    UPDATE sale_order o
                       SET referrer_channel_keys = k.keys
                      FROM (SELECT order_id,
                                   '|' || string_agg(channel_id::text, '|'
                                                     ORDER BY channel_id) || '|' AS keys
                              FROM (SELECT DISTINCT order_id, channel_id
                                      FROM fulfilment_referrer
                                     WHERE channel_id IS NOT NULL) AS touch
                             GROUP BY order_id) AS k
                     WHERE k.order_id = o.id
                    """
                )
        return super()._auto_init()

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
            channel_ids = sorted(set(touches.channel_id.ids))
            order.referrer_channel_keys = (
                "|{}|".format("|".join(map(str, channel_ids))) if channel_ids else False
            )

    @api.depends("referrer_channel_keys")
    def _compute_referrer_channel_ids(self):
        for order in self:
            keys = (order.referrer_channel_keys or "").strip("|")
            order.referrer_channel_ids = [
                fields.Command.set([int(key) for key in keys.split("|") if key])
            ]

    def _search_referrer_channel_ids(self, operator, value):
        """Orders with a touch of the given channels: ids, or names to match
        (``ilike`` from the search bar); ``= False`` is "no touch at all"."""
        if operator in ("=", "!=") and value is False:
            return [("referrer_channel_keys", operator, False)]
        negative = operator in expression.NEGATIVE_TERM_OPERATORS
        positive = (
            expression.TERM_OPERATORS_NEGATION[operator] if negative else operator
        )
        values = list(value) if isinstance(value, list | tuple) else [value]
        if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            if positive not in ("=", "in"):
                raise UserError(_("Unsupported search on referrer channels."))
            channel_ids = values
        elif positive in ("=", "in", "like", "ilike", "=like", "=ilike"):
            name_operator = "=" if positive == "in" else positive
            channel_ids = list(
                self.env["fulfilment.referrer.channel"]
                .with_context(active_test=False)
                ._search(
                    expression.OR([[("name", name_operator, str(v))] for v in values])
                )
            )
        else:
            raise UserError(_("Unsupported search on referrer channels."))
        domain = (
            expression.OR(
                [
                    [("referrer_channel_keys", "like", f"|{channel_id}|")]
                    for channel_id in channel_ids
                ]
            )
            if channel_ids
            else expression.FALSE_DOMAIN
        )
        return ["!", *expression.normalize_domain(domain)] if negative else domain

    def _fulfilment_add_touches(self, touches):
        """Merge the web shop's touches (plain dicts) into the order's referrers."""
        self.ensure_one()
        self.env["fulfilment.referrer"].sudo()._merge_into_order(self, touches)

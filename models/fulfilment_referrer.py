from urllib.parse import urlsplit

from odoo import Command, _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import create_index

MAX_TOUCHES = 10

# Parameters that ad networks and e-mail tools append to the landing URL. Only the
# parameter's name is kept (it tells the network), never its value.
CLICK_ID_PARAMS = (
    "gclid",
    "gbraid",
    "wbraid",
    "dclid",
    "msclkid",
    "fbclid",
    "ttclid",
    "twclid",
    "li_fat_id",
    "epik",
    "yclid",
    "mc_cid",
)


def touch_identity(touch):
    """What makes two consecutive touches "the same" (then they are merged)."""
    return tuple(
        (touch.get(key) or "").lower()
        for key in ("host", "source", "medium", "campaign", "click_id")
    )


def merge_touches(touches):
    """Sort touches by time, merge identical consecutive ones, keep the last 10."""
    merged = []
    for touch in sorted(touches, key=lambda t: t.get("time") or ""):
        if merged and touch_identity(merged[-1]) == touch_identity(touch):
            continue
        merged.append(touch)
    return merged[-MAX_TOUCHES:]


class FulfilmentReferrer(models.Model):
    """One touch of the customer's path to an order (1 = first, 10 = last)."""

    _name = "fulfilment.referrer"
    _description = "Order Referrer"
    _order = "order_id, position, id"
    _rec_name = "channel_id"

    order_id = fields.Many2one(
        "sale.order", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    position = fields.Integer(
        help="1 is the first touch, 10 the last one. "
        "Left empty, the touch is added last.",
    )
    touch_date = fields.Datetime(
        string="Time", required=True, default=fields.Datetime.now
    )
    referrer_url = fields.Char(string="Referrer URL")
    referrer_host = fields.Char(
        compute="_compute_referrer_host", store=True, readonly=False, index=True
    )
    landing_page = fields.Char()
    source_id = fields.Many2one("utm.source", index="btree_not_null")
    medium_id = fields.Many2one("utm.medium", index="btree_not_null")
    campaign_id = fields.Many2one("utm.campaign", index="btree_not_null")
    click_id = fields.Char(
        string="Click ID Parameter",
        help="Ad network parameter the visit carried, e.g. gclid",
    )
    channel_id = fields.Many2one(
        "fulfilment.referrer.channel",
        compute="_compute_channel_id",
        store=True,
        readonly=False,
        ondelete="restrict",
    )
    channel_type = fields.Selection(
        related="channel_id.channel_type", store=True, string="Channel Type"
    )

    def init(self):
        result = super().init()
        # "Orders whose referrer (any touch) is X": an index-only scan gives the
        # orders of a channel without reading the touches themselves.
        create_index(
            self.env.cr,
            "fulfilment_referrer_channel_company_order_index",
            self._table,
            # company_id: the multi-company record rule filters on it.
            ["channel_id", "company_id", "order_id"],
        )
        return result

    # ------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------

    @api.depends("referrer_url")
    def _compute_referrer_host(self):
        for touch in self:
            url = (touch.referrer_url or "").strip()
            if url and "//" not in url:
                url = "//" + url
            touch.referrer_host = (urlsplit(url).hostname or "") if url else False

    @api.depends("referrer_host", "source_id", "medium_id", "click_id")
    def _compute_channel_id(self):
        # Every rule, in their order: a shop has a few dozen.
        rules = self.env["fulfilment.referrer.rule"].sudo().search([])  # pylint: disable=no-search-all
        for touch in self:
            touch.channel_id = rules._find_channel(
                touch.referrer_host,
                touch.source_id.name,
                touch.medium_id.name,
                touch.click_id,
                rules=rules,
            )

    @api.constrains("order_id", "position")
    def _check_touches_per_order(self):
        counts = self._read_group(
            [("order_id", "in", self.order_id.ids)], ["order_id"], ["__count"]
        )
        for order, count in counts:
            if count > MAX_TOUCHES:
                raise ValidationError(
                    _(
                        "Order %(order)s would have %(count)s referrers: at most "
                        "%(max)s touches are kept per order. Remove the oldest "
                        "ones first.",
                        order=order.name,
                        count=count,
                        max=MAX_TOUCHES,
                    )
                )
        for touch in self:
            if touch.position and not 1 <= touch.position <= MAX_TOUCHES:
                raise ValidationError(
                    _(
                        "Referrer position %(position)s is not valid: use 1 "
                        "(first touch) to %(max)s (last touch).",
                        position=touch.position,
                        max=MAX_TOUCHES,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # Touches without a position are added after the order's last one.
        missing = [
            vals
            for vals in vals_list
            if not vals.get("position") and vals.get("order_id")
        ]
        if missing:
            last = dict(
                self._read_group(
                    [("order_id", "in", list({vals["order_id"] for vals in missing}))],
                    ["order_id"],
                    ["position:max"],
                )
            )
            last = {order.id: position or 0 for order, position in last.items()}
            for vals in missing:
                last[vals["order_id"]] = last.get(vals["order_id"], 0) + 1
                vals["position"] = last[vals["order_id"]]
        return super().create(vals_list)

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    @api.model
    def _prepare_touch_values(self, touch):
        """``create`` values of a touch captured by the web shop (a plain dict)."""
        find = self.env["utm.mixin"].sudo()._find_or_create_record
        values = {
            "touch_date": touch.get("time") or fields.Datetime.now(),
            "referrer_url": touch.get("referrer") or False,
            "landing_page": touch.get("landing") or False,
            "click_id": touch.get("click_id") or False,
        }
        for key, model, field in (
            ("source", "utm.source", "source_id"),
            ("medium", "utm.medium", "medium_id"),
            ("campaign", "utm.campaign", "campaign_id"),
        ):
            if touch.get(key):
                values[field] = find(model, touch[key]).id
        return values

    def _to_touch(self):
        """The touch as the plain dict the web shop keeps for a visitor."""
        self.ensure_one()
        return {
            "time": fields.Datetime.to_string(self.touch_date),
            "referrer": self.referrer_url or "",
            "host": self.referrer_host or "",
            "landing": self.landing_page or "",
            "source": self.source_id.name or "",
            "medium": self.medium_id.name or "",
            "campaign": self.campaign_id.name or "",
            "click_id": self.click_id or "",
        }

    @api.model
    def _merge_into_order(self, order, touches):
        """Merge touches (plain dicts) into the order's referrers.

        Touches already on the order are kept; the whole path is re-sorted by
        time, identical consecutive touches are merged and only the last 10 are
        kept, numbered 1 (first) to 10 (last).
        """
        current = [touch._to_touch() for touch in order.referrer_ids]
        known = {(t["time"], touch_identity(t)) for t in current}
        new = [t for t in touches if (t.get("time"), touch_identity(t)) not in known]
        if not new:
            return
        path = merge_touches(current + new)
        if path == current:
            return
        commands = [Command.clear()]
        for position, touch in enumerate(path, start=1):
            values = self._prepare_touch_values(touch)
            values["position"] = position
            commands.append(Command.create(values))
        order.write({"referrer_ids": commands})

    def _recompute_channels(self, batch_size=5000):
        """Re-derive the channel of every touch, in batches (after a rule change)."""
        rules = self.env["fulfilment.referrer.rule"].sudo().search([])  # pylint: disable=no-search-all
        last_id = 0
        while True:
            touches = self.search([("id", ">", last_id)], order="id", limit=batch_size)
            if not touches:
                break
            changed = {}
            for touch in touches:
                channel = rules._find_channel(
                    touch.referrer_host,
                    touch.source_id.name,
                    touch.medium_id.name,
                    touch.click_id,
                    rules=rules,
                )
                if channel != touch.channel_id:
                    changed.setdefault(channel, self.browse())
                    changed[channel] |= touch
            # A write per channel also recomputes the orders' first/last touch.
            for channel, channel_touches in changed.items():
                channel_touches.write({"channel_id": channel.id})
            last_id = touches[-1].id
            touches.flush_recordset()
            self.env["sale.order"].flush_model()
            self.env.invalidate_all()

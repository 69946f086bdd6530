from fnmatch import fnmatchcase

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


def _split_patterns(value):
    """``"google.*, *.google.*"`` -> ``["google.*", "*.google.*"]`` (lower case)."""
    return [part.strip().lower() for part in (value or "").split(",") if part.strip()]


class FulfilmentReferrerRule(models.Model):
    """Maps what a touch carries (host, UTM source/medium, click id) to a channel.

    Rules are tried by sequence; the first one whose every filled-in criterion
    matches gives the channel. Touches that no rule matches are *Direct* when
    they carry nothing, *Referral* otherwise.
    """

    _name = "fulfilment.referrer.rule"
    _description = "Referrer Channel Rule"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    channel_id = fields.Many2one(
        "fulfilment.referrer.channel",
        required=True,
        ondelete="cascade",
    )
    host_pattern = fields.Char(
        string="Referrer Host",
        help="Comma-separated host patterns, * as wildcard, e.g. google.*, *.google.*. "
        "A leading www. of the host is ignored.",
    )
    source_pattern = fields.Char(
        string="UTM Source",
        help="Comma-separated UTM source patterns, e.g. google, bing*",
    )
    medium_pattern = fields.Char(
        string="UTM Medium",
        help="Comma-separated UTM medium patterns, e.g. cpc, ppc, paid*",
    )
    click_id_param = fields.Char(
        string="Click ID Parameter",
        help="Comma-separated URL parameters added by ad networks, "
        "e.g. gclid, gbraid, wbraid",
    )
    active = fields.Boolean(default=True)

    @api.constrains(
        "host_pattern", "source_pattern", "medium_pattern", "click_id_param"
    )
    def _check_has_criterion(self):
        for rule in self:
            if not any(
                (
                    rule.host_pattern,
                    rule.source_pattern,
                    rule.medium_pattern,
                    rule.click_id_param,
                )
            ):
                raise ValidationError(
                    _(
                        "The rule for channel “%(channel)s” needs at least one "
                        "criterion: a referrer host, a UTM source, a UTM medium "
                        "or a click id parameter.",
                        channel=rule.channel_id.name,
                    )
                )

    def _matches(self, host, source, medium, click_id):
        """Whether the touch described by the lower-case strings matches the rule."""
        self.ensure_one()
        if self.host_pattern:
            hosts = {host, host.removeprefix("www.")} if host else set()
            patterns = _split_patterns(self.host_pattern)
            if not any(fnmatchcase(h, p) for h in hosts for p in patterns):
                return False
        for value, pattern in (
            (source, self.source_pattern),
            (medium, self.medium_pattern),
        ):
            if pattern and not (
                value and any(fnmatchcase(value, p) for p in _split_patterns(pattern))
            ):
                return False
        return not self.click_id_param or click_id in _split_patterns(
            self.click_id_param
        )

    @api.model
    def _find_channel(self, host, source, medium, click_id, rules=None):
        """Channel of a touch: the first matching rule's, else Direct or Referral.

        :param rules: the active rules, already searched (to search once per batch)
        """
        values = [
            (value or "").strip().lower() for value in (host, source, medium, click_id)
        ]
        if rules is None:
            rules = self.search([])  # pylint: disable=no-search-all
        for rule in rules:
            if rule._matches(*values):
                return rule.channel_id
        fallback = "channel_referral" if any(values) else "channel_direct"
        return (
            self.env.ref(f"order_fulfilment.{fallback}", raise_if_not_found=False)
            or self.env["fulfilment.referrer.channel"]
        )

    def action_apply_to_touches(self):
        """Re-derive the channel of every recorded touch with the current rules."""
        # A recompute of every touch: for those who manage the rules only.
        self.check_access("write")
        self.env["fulfilment.referrer"].sudo()._recompute_channels()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _(
                    "The channel rules were applied to every recorded referrer."
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

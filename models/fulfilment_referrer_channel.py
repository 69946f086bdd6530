from odoo import fields, models

CHANNEL_TYPES = [
    ("paid_search", "Paid search"),
    ("organic_search", "Organic search"),
    ("social", "Social"),
    ("email", "E-mail"),
    ("marketplace", "Marketplace"),
    ("direct", "Direct"),
    ("referral", "Referral"),
]


class FulfilmentReferrerChannel(models.Model):
    _name = "fulfilment.referrer.channel"
    _description = "Referrer Channel"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    channel_type = fields.Selection(
        CHANNEL_TYPES,
        required=True,
        default="referral",
        help="Family of the channel, used to group channels in the analysis.",
    )
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    active = fields.Boolean(default=True)
    rule_ids = fields.One2many(
        "fulfilment.referrer.rule",
        "channel_id",
        string="Rules",
        context={"active_test": False},
    )

    _sql_constraints = [
        (
            "name_uniq",
            "unique (name)",
            "A referrer channel with this name already exists.",
        ),
    ]

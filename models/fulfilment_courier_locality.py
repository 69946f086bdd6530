from odoo import api, fields, models

from ..shipping.localities import locality_key


class FulfilmentCourierLocality(models.Model):
    """A locality of a courier's nomenclature, as the courier spells it: what
    the courier is sent for an address of it (``delivery.carrier.
    _fulfilment_courier_place``)."""

    _name = "fulfilment.courier.locality"
    _description = "Courier Locality"
    _order = "carrier_id, name"

    carrier_id = fields.Many2one(
        "delivery.carrier", required=True, ondelete="cascade", index=True
    )
    county_id = fields.Many2one(
        "fulfilment.courier.county", required=True, ondelete="cascade", index=True
    )
    state_id = fields.Many2one(related="county_id.state_id", store=True, index=True)
    name = fields.Char(required=True, help="As the courier spells it.")
    courier_ref = fields.Char(
        string="Courier ID", required=True, help="The courier's id of the locality."
    )
    postal_code = fields.Char()
    parent_name = fields.Char(
        string="Municipality", help="The municipality a village belongs to."
    )
    match_key = fields.Char(
        compute="_compute_match_key",
        store=True,
        index=True,
        help="The name without case, diacritics, spaces or locality kind.",
    )

    _sql_constraints = [
        (
            "courier_ref_unique",
            "UNIQUE(carrier_id, courier_ref)",
            "A courier's locality is listed once per carrier.",
        ),
    ]

    @api.depends("name")
    def _compute_match_key(self):
        for locality in self:
            locality.match_key = locality_key(locality.name)

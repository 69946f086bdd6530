from odoo import fields, models


class FulfilmentCourierCounty(models.Model):
    """A county of a courier's nomenclature, as the courier spells it, and the
    county (state) of Odoo it is."""

    _name = "fulfilment.courier.county"
    _description = "Courier County"
    _order = "carrier_id, name"

    carrier_id = fields.Many2one(
        "delivery.carrier", required=True, ondelete="cascade", index=True
    )
    name = fields.Char(required=True, help="As the courier spells it.")
    code = fields.Char(help="The courier's abbreviation of the county (BV, CJ, B).")
    courier_ref = fields.Char(
        string="Courier ID", required=True, help="The courier's id of the county."
    )
    state_id = fields.Many2one("res.country.state", string="County", index=True)
    localities_refreshed_at = fields.Datetime(
        string="Localities Refreshed", readonly=True
    )
    localities_attempted_at = fields.Datetime(
        string="Localities Last Asked", readonly=True
    )
    locality_ids = fields.One2many("fulfilment.courier.locality", "county_id")

    _sql_constraints = [
        (
            "courier_ref_unique",
            "UNIQUE(carrier_id, courier_ref)",
            "A courier's county is listed once per carrier.",
        ),
    ]

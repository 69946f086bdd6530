from odoo import fields, models


class FulfilmentDistanceBand(models.Model):
    _name = "fulfilment.distance.band"
    _description = "Shipping Price by Distance Band"
    _order = "carrier_id, up_to_km"

    carrier_id = fields.Many2one(
        "delivery.carrier", required=True, ondelete="cascade", index=True
    )
    up_to_km = fields.Float(string="Up to (km)", required=True)
    price = fields.Float(required=True, help="What a distance in this band costs.")

    _sql_constraints = [
        (
            "positive_distance",
            "CHECK(up_to_km > 0)",
            "A distance band must end above 0 km.",
        ),
    ]

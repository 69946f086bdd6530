from odoo import api, fields, models

NORMALIZED_STATUSES = [
    ("created", "Created"),
    ("picked_up", "Picked up"),
    ("in_transit", "In transit"),
    ("out_for_delivery", "Out for delivery"),
    ("available_for_pickup", "Available for pickup"),
    ("failed_attempt", "Failed attempt"),
    ("exception", "Exception"),
    ("delivered", "Delivered"),
    ("returning", "Returning to sender"),
    ("returned", "Returned"),
    ("cancelled", "Cancelled"),
    ("unknown", "Unknown"),
]
FINAL_STATUSES = ("delivered", "returned", "cancelled")
# Normalized tracking status -> order event of the status engine.
STATUS_EVENTS = {
    "picked_up": "shipped",
    "in_transit": "shipped",
    "out_for_delivery": "shipped",
    "failed_attempt": "failed_attempt",
    "delivered": "delivered",
    "returned": "returned",
}


class FulfilmentCourierStatus(models.Model):
    """How a courier's own tracking code reads in the shop's terms (editable)."""

    _name = "fulfilment.courier.status"
    _description = "Courier Tracking Code"
    _order = "delivery_type, code"
    _rec_name = "code"

    delivery_type = fields.Char(required=True, index=True, help="Carrier provider.")
    code = fields.Char(required=True, help="The courier's code, as it sends it.")
    name = fields.Char(string="Meaning", translate=True)
    normalized_status = fields.Selection(NORMALIZED_STATUSES, required=True)

    _sql_constraints = [
        ("code_unique", "UNIQUE(delivery_type, code)", "This code is already mapped."),
    ]

    @api.model
    def _get_mapping(self, delivery_type):
        return {
            row.code: row.normalized_status
            for row in self.search([("delivery_type", "=", delivery_type)])
        }

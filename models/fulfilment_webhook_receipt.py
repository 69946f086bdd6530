from odoo import api, fields, models


class FulfilmentWebhookReceipt(models.Model):
    """Deliveries already accepted by a courier webhook: a replay is refused."""

    _name = "fulfilment.webhook.receipt"
    _description = "Courier Webhook Delivery"
    _order = "id desc"

    carrier_id = fields.Many2one("delivery.carrier", required=True, ondelete="cascade")
    event_id = fields.Char(required=True)

    _sql_constraints = [
        (
            "event_unique",
            "UNIQUE(carrier_id, event_id)",
            "This webhook delivery was already received.",
        ),
    ]

    @api.autovacuum
    def _gc_receipts(self):
        # Signed deliveries older than the accepted clock skew cannot come back.
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=2)
        self.search([("create_date", "<", limit)]).unlink()

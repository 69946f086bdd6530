from odoo import api, fields, models


class FulfilmentPaymentNotification(models.Model):
    """Card processor notifications already processed: a replay changes nothing."""

    _name = "fulfilment.payment.notification"
    _description = "Card Processor Notification"
    _order = "id desc"

    provider_id = fields.Many2one("payment.provider", required=True, ondelete="cascade")
    key = fields.Char(required=True, help="The notification's signature digest.")
    reference = fields.Char(help="The transaction the notification was about.")

    _sql_constraints = [
        (
            "key_unique",
            "UNIQUE(provider_id, key)",
            "This notification was already processed.",
        ),
    ]

    @api.model
    def _record_notification(self, provider, key, reference=None):
        """Record the notification; False when it was already processed."""
        if self.search_count([("provider_id", "=", provider.id), ("key", "=", key)]):
            return False
        self.create({"provider_id": provider.id, "key": key, "reference": reference})
        self.env.flush_all()
        return True

    @api.autovacuum
    def _gc_notifications(self):
        # Older notifications are refused by their own expiry (NETOPIA's token)
        # or age check (EuPlatesc's signed timestamp).
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=120)
        self.search([("create_date", "<", limit)]).unlink()

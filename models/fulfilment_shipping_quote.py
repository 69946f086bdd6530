"""The couriers' prices asked at checkout, kept a few minutes per cart."""

from datetime import timedelta

from odoo import api, fields, models


class FulfilmentShippingQuote(models.Model):
    """One courier's price for one cart, as long as the cart stays the same
    (``fingerprint``) and for a few minutes: the checkout asks again and again
    (each page, each change of delivery method), the courier only once.

    In the database, not in a worker's memory, so that every worker of the
    shop finds it.
    """

    _name = "fulfilment.shipping.quote"
    _description = "Courier Price Quote at Checkout"
    _log_access = False

    order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", index=True
    )
    carrier_id = fields.Many2one("delivery.carrier", required=True, ondelete="cascade")
    fingerprint = fields.Char(
        required=True, help="What the price depends on in the cart, hashed."
    )
    price = fields.Float(help="The courier's price, in the company's currency.")
    source = fields.Selection(
        [
            ("courier", "Courier's price"),
            ("unanswered", "The courier did not answer"),
        ],
        required=True,
    )
    expires_at = fields.Datetime(required=True)

    _sql_constraints = [
        (
            "one_per_cart_and_carrier",
            "UNIQUE(order_id, carrier_id)",
            "One price per cart and carrier.",
        ),
    ]

    @api.model
    def _find(self, order, carrier, fingerprint):
        """The price kept for this cart as it is, or an empty recordset."""
        return self.search(
            [
                ("order_id", "=", order.id),
                ("carrier_id", "=", carrier.id),
                ("fingerprint", "=", fingerprint),
                ("expires_at", ">", fields.Datetime.now()),
            ],
            limit=1,
        )

    @api.model
    def _keep(self, order, carrier, fingerprint, source, price, lifetime):
        """Keep (or replace) the price of this cart for ``lifetime``.

        Two workers asking at once for the same cart both write: the last
        one wins, nobody fails.
        """
        self.env.flush_all()
        with self.env.cr.savepoint(flush=False):
            self.env.cr.execute(
                """
                INSERT INTO fulfilment_shipping_quote
                       (order_id, carrier_id, fingerprint, source, price, expires_at)
                VALUES (%s, %s, %s, %s, %s, %s)
                ON CONFLICT (order_id, carrier_id) DO UPDATE
                   SET fingerprint = EXCLUDED.fingerprint,
                       source = EXCLUDED.source,
                       price = EXCLUDED.price,
                       expires_at = EXCLUDED.expires_at
                """,
                [
                    order.id,
                    carrier.id,
                    fingerprint,
                    source,
                    price,
                    fields.Datetime.now() + lifetime,
                ],
            )
        self.invalidate_model()

    @api.autovacuum
    def _gc_expired(self):
        """Forget the prices of the carts that went on without them."""
        self.search(
            [("expires_at", "<", fields.Datetime.now() - timedelta(days=1))]
        ).unlink()

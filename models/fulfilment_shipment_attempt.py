from odoo import api, fields, models

ATTEMPT_STATES = [
    ("sending", "Sending"),
    ("unknown", "No answer (checked before any retry)"),
    ("sent", "AWB created"),
    ("failed", "Refused"),
    ("cancelled", "Cancelled"),
]


class FulfilmentShipmentAttempt(models.Model):
    """The last attempt to get an AWB for a delivery.

    Written in its own transaction before and after every call to the courier,
    so that it survives a timeout, a crash or a rolled-back request: the next
    attempt reads it and looks the shipment up at the courier instead of
    creating a second AWB.
    """

    _name = "fulfilment.shipment.attempt"
    _description = "Courier Shipment Attempt"
    _order = "attempted_at desc, id desc"
    _rec_name = "picking_id"

    picking_id = fields.Many2one(
        "stock.picking", required=True, ondelete="cascade", index=True
    )
    carrier_id = fields.Many2one("delivery.carrier", ondelete="set null")
    company_id = fields.Many2one(related="picking_id.company_id", store=True)
    idempotency_key = fields.Char(required=True)
    state = fields.Selection(ATTEMPT_STATES, required=True, default="sending")
    awb = fields.Char(string="AWB")
    error = fields.Text()
    attempted_at = fields.Datetime(required=True, default=fields.Datetime.now)

    _sql_constraints = [
        ("picking_unique", "UNIQUE(picking_id)", "One shipment attempt per delivery."),
    ]

    @api.model
    def _write_detached(self, picking_id, values):
        """Insert or update the attempt of a picking in a transaction of its own."""
        self._write_detached_many({picking_id: values})

    @api.model
    def _write_detached_many(self, values_by_picking):
        """Insert or update several attempts in one transaction of their own."""
        if not values_by_picking:
            return
        with self.env.registry.cursor() as cr:
            # Never wait long on a row this request's own transaction holds.
            cr.execute("SET LOCAL lock_timeout = '5s'")
            model = self.env(cr=cr, su=True)[self._name]
            existing = {
                attempt.picking_id.id: attempt
                for attempt in model.search(
                    [("picking_id", "in", list(values_by_picking))]
                )
            }
            to_create = []
            for picking_id, values in values_by_picking.items():
                if picking_id in existing:
                    existing[picking_id].write(values)
                else:
                    to_create.append({"picking_id": picking_id, **values})
            model.create(to_create)
        self.env[self._name].invalidate_model()

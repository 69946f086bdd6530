import base64
from datetime import timezone

from odoo import api, fields, models

from ..couriers import ShipmentResult
from ..couriers.shipping import (
    CANCELLED,
    FAILED,
    SENDING,
    SENT,
    UNKNOWN,
    PreviousAttempt,
)

ATTEMPT_STATES = [
    (SENDING, "Sending"),
    (UNKNOWN, "No answer (checked before any retry)"),
    (SENT, "AWB created"),
    (FAILED, "Refused"),
    (CANCELLED, "Cancelled"),
]


class FulfilmentShipmentAttempt(models.Model):
    """The last attempt to get an AWB for a delivery.

    Written in its own transaction before and after every call to the courier,
    so that it survives a timeout, a crash or a rolled-back request: the next
    attempt reads it and looks the shipment up at the courier instead of
    creating a second AWB. A "sent" attempt keeps the courier's whole answer
    (AWB, price, label) until the delivery holds it, so booking it again after
    a rollback calls nobody.

    Only other transactions write it (``_write_detached``): a request that
    wrote it too could no longer save it once another transaction had.
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
    state = fields.Selection(ATTEMPT_STATES, required=True, default=SENDING)
    awb = fields.Char(string="AWB")
    error = fields.Text()
    attempted_at = fields.Datetime(required=True, default=fields.Datetime.now)
    # The courier's answer, kept until the delivery holds it.
    price = fields.Float(string="Courier Price")
    currency = fields.Char(help="The currency of the courier's price.")
    shipment_id = fields.Char(
        string="Courier Shipment ID",
        help="The courier's own id of the shipment, when it is not the AWB.",
    )
    label = fields.Binary(attachment=False)
    cod_amount = fields.Float(string="Cash on Delivery")
    recovered = fields.Boolean(
        help="The AWB was found at the courier after an attempt got no answer."
    )

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

    @api.model
    def _read_committed(self, pickings):
        """The last attempt of each delivery as committed now, whatever this
        transaction saw when it started (attempts are written by others).

        :return: {picking id: ``PreviousAttempt``}
        """
        if not pickings:
            return {}
        with self.env.registry.cursor() as cr:
            attempts = (
                self.env(cr=cr, su=True)[self._name]
                .search([("picking_id", "in", pickings.ids)])
                .read(
                    [
                        "picking_id",
                        "state",
                        "idempotency_key",
                        "attempted_at",
                        "awb",
                        "price",
                        "currency",
                        "shipment_id",
                        "label",
                        "cod_amount",
                        "recovered",
                    ]
                )
            )
        return {values["picking_id"][0]: _previous(values) for values in attempts}

    @api.model
    def _outcome_values(self, outcome):
        """What to record of a successful ``ShipmentOutcome``."""
        result = outcome.result
        return {
            "state": SENT,
            "awb": result.awb,
            "price": result.price,
            "currency": result.currency,
            "shipment_id": result.shipment_id or False,
            "label": base64.b64encode(result.label) if result.label else False,
            "cod_amount": outcome.job.request.cod_amount,
            "recovered": outcome.recovered,
            "error": False,
        }

    @api.autovacuum
    def _gc_kept_labels(self):
        """A label is kept on the attempt only until its delivery holds the AWB."""
        self.env.cr.execute(
            """UPDATE fulfilment_shipment_attempt attempt
                  SET label = NULL
                 FROM stock_picking picking
                WHERE picking.id = attempt.picking_id
                  AND attempt.label IS NOT NULL
                  AND (attempt.state != %s OR picking.carrier_tracking_ref IS NOT NULL)
            """,
            [SENT],
        )
        self.invalidate_model(["label"])


def _previous(values):
    """A ``PreviousAttempt`` from the values read of an attempt."""
    result = None
    if values["state"] == SENT and values["awb"]:
        result = ShipmentResult(
            awb=values["awb"],
            price=values["price"],
            currency=values["currency"] or "RON",
            label=base64.b64decode(values["label"]) if values["label"] else None,
            shipment_id=values["shipment_id"] or "",
        )
    return PreviousAttempt(
        state=values["state"],
        idempotency_key=values["idempotency_key"],
        attempted_at=values["attempted_at"].replace(tzinfo=timezone.utc),
        result=result,
        cod_amount=values["cod_amount"],
        recovered=values["recovered"],
    )

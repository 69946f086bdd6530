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
    creating a second AWB. A "sent" attempt is written as soon as the courier
    gives the AWB, before its label is asked for, and keeps the courier's
    whole answer (AWB, price, label when it came) until the delivery holds
    it, so booking it again after a rollback calls nobody; a label that did
    not come is fetched on its own (*Retry Label*).

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
    def _write_detached_many(self, values_by_picking, invalidate=True):
        """Insert or update several attempts in one transaction of their own.

        :param invalidate: forget the attempts this request's cache holds
        """
        if not values_by_picking:
            return
        with self.env.registry.cursor() as cr:
            self._upsert(cr, values_by_picking)
        if invalidate:
            self.env[self._name].invalidate_model()

    @api.model
    def _upsert(self, cr, values_by_picking):
        """Insert or update the attempts of several deliveries through ``cr``,
        a statement per set of columns (one for a batch's sending attempts,
        one for its answers): a new attempt carries its key, state and time;
        values without them only update the delivery's existing attempt.

        :param values_by_picking: {picking id: values of ``write``}
        """
        # Never wait long on a row this request's own transaction holds.
        cr.execute("SET LOCAL lock_timeout = '5s'")
        required = {"idempotency_key", "state", "attempted_at"}
        groups = {}
        for picking_id, values in values_by_picking.items():
            groups.setdefault(tuple(sorted(values)), []).append((picking_id, values))
        uid = self.env.uid
        for names, rows in groups.items():
            fields_ = [self._fields[name] for name in names]
            params = []
            for picking_id, values in rows:
                params.append(picking_id)
                params += [
                    field.convert_to_column_insert(values[field.name], self)
                    for field in fields_
                ]
            row = "(%s::int, {})".format(
                ", ".join(f"%s::{field.column_type[1]}" for field in fields_)
            )
            source = "(VALUES {}) AS v(picking_id, {})".format(
                ", ".join([row] * len(rows)), ", ".join(names)
            )
            if required <= set(names):
                cr.execute(
                    """INSERT INTO fulfilment_shipment_attempt AS a
                              (picking_id, company_id, {columns}, create_uid,
                               create_date, write_uid, write_date)
                       SELECT v.picking_id, p.company_id, {values}, %s,
                              now() AT TIME ZONE 'UTC', %s, now() AT TIME ZONE 'UTC'
                         FROM {source}
                         JOIN stock_picking p ON p.id = v.picking_id
                  ON CONFLICT (picking_id) DO UPDATE
                          SET {updates}, write_uid = EXCLUDED.write_uid,
                              write_date = EXCLUDED.write_date
                    """.format(
                        columns=", ".join(names),
                        values=", ".join(f"v.{name}" for name in names),
                        source=source,
                        updates=", ".join(
                            f"{name} = EXCLUDED.{name}" for name in names
                        ),
                    ),
                    [uid, uid, *params],
                )
            else:
                cr.execute(
                    """UPDATE fulfilment_shipment_attempt AS a
                          SET {updates}, write_uid = %s,
                              write_date = now() AT TIME ZONE 'UTC'
                         FROM {source}
                        WHERE a.picking_id = v.picking_id
                    """.format(
                        updates=", ".join(f"{name} = v.{name}" for name in names),
                        source=source,
                    ),
                    [uid, *params],
                )

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

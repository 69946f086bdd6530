import json
import logging

from odoo import _, api, fields, models

from .fulfilment_courier_status import (
    FINAL_STATUSES,
    NORMALIZED_STATUSES,
    STATUS_EVENTS,
)

_logger = logging.getLogger(__name__)


class FulfilmentTrackingEvent(models.Model):
    _name = "fulfilment.tracking.event"
    _description = "Shipment Tracking Event"
    _order = "date desc, id desc"
    _rec_name = "description"

    picking_id = fields.Many2one(
        "stock.picking", required=True, ondelete="cascade", index=True
    )
    order_id = fields.Many2one(
        related="picking_id.sale_id", store=True, index=True, string="Order"
    )
    carrier_id = fields.Many2one("delivery.carrier", ondelete="set null")
    company_id = fields.Many2one(related="picking_id.company_id", store=True)
    awb = fields.Char(string="AWB", index=True)
    code = fields.Char(string="Courier Code")
    description = fields.Char()
    location = fields.Char()
    date = fields.Datetime(required=True, index=True)
    normalized_status = fields.Selection(
        NORMALIZED_STATUSES, string="Status", index=True
    )
    is_final = fields.Boolean(string="Final")
    source = fields.Selection(
        [("poll", "Polling"), ("webhook", "Webhook")], default="poll"
    )
    raw = fields.Text(string="Raw Event")

    _sql_constraints = [
        (
            "event_unique",
            "UNIQUE(picking_id, code, date)",
            "This tracking event is already recorded.",
        ),
    ]

    @api.model
    def _store(self, picking_by_awb, events, source="poll"):
        """Record new events (already known ones are skipped) and move the orders.

        :param picking_by_awb: {awb: stock.picking}
        :param events: courier-neutral ``TrackingEvent`` objects
        :return: the created records
        """
        if not events:
            return self
        pickings = self.env["stock.picking"].union(*picking_by_awb.values())
        existing = {
            (event.picking_id.id, event.code, event.date)
            for event in self.search([("picking_id", "in", pickings.ids)])
        }
        mappings = {}
        values = []
        for event in sorted(events, key=lambda e: e.time):
            picking = picking_by_awb.get(event.awb)
            if not picking:
                continue
            date = event.time.replace(tzinfo=None, microsecond=0)
            key = (picking.id, event.code, date)
            if key in existing:
                continue
            existing.add(key)
            delivery_type = picking.carrier_id.delivery_type
            if delivery_type not in mappings:
                mappings[delivery_type] = self.env[
                    "fulfilment.courier.status"
                ]._get_mapping(delivery_type)
            status = mappings[delivery_type].get(event.code, "unknown")
            if status == "unknown":
                _logger.warning(
                    "Unknown %s tracking code %r (%s) for AWB %s",
                    delivery_type,
                    event.code,
                    event.description,
                    event.awb,
                )
            values.append(
                {
                    "picking_id": picking.id,
                    "carrier_id": picking.carrier_id.id,
                    "awb": event.awb,
                    "code": event.code,
                    "description": event.description,
                    "location": event.location,
                    "date": date,
                    "normalized_status": status,
                    "is_final": status in FINAL_STATUSES,
                    "source": source,
                    "raw": json.dumps(event.raw, default=str) if event.raw else False,
                }
            )
        created = self.sudo().create(values)
        created._apply_to_pickings()
        return created

    def _apply_to_pickings(self):
        """Latest status on the delivery; order events through the status engine.

        Events can arrive late or out of order (a delta window overlapping the
        previous one, a webhook replaying history): an event older than the
        newest one already known for the delivery is kept in the history but
        neither rewinds the delivery's status nor moves the order back.
        """
        pickings = self.picking_id
        newest_known = dict(
            self._read_group(
                [
                    ("picking_id", "in", pickings.ids),
                    ("id", "not in", self.ids),
                    ("normalized_status", "!=", "unknown"),
                ],
                ["picking_id"],
                ["date:max"],
            )
        )
        for picking, events in self.grouped("picking_id").items():
            previous = newest_known.get(picking)
            fresh = events.filtered(
                lambda e, previous=previous: (
                    e.normalized_status != "unknown"
                    and (not previous or e.date >= previous)
                )
            ).sorted(lambda e: (e.date, e.id))
            if fresh:
                picking.write(
                    {
                        "fulfilment_tracking_status": fresh[-1].normalized_status,
                        "fulfilment_tracking_final": fresh[-1].is_final,
                    }
                )
            elif not previous and not picking.fulfilment_tracking_status:
                picking.fulfilment_tracking_status = "unknown"
            order = picking.sale_id
            if not order:
                continue
            for event in fresh:
                order_event = STATUS_EVENTS.get(event.normalized_status)
                if order_event:
                    order._fulfilment_trigger_event(
                        order_event,
                        reason=_(
                            "%(courier)s: %(description)s",
                            courier=picking.carrier_id.name,
                            description=event.description or event.code,
                        ),
                    )

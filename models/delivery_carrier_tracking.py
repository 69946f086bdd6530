"""Tracking of the courier shipments: AWB by AWB, change feeds, the polling job."""

import logging
from datetime import timedelta, timezone

from odoo import api, fields, models

from ..couriers import CourierError
from .delivery_carrier import COURIER_TYPES

_logger = logging.getLogger(__name__)

TRACKING_BATCH = 50  # AWBs per tracking request
TRACKING_CRON_LIMIT = 500  # shipments asked AWB by AWB per run of the job
# Change feeds (Sameday, Cargus) are read from the last poll minus an overlap,
# for events the courier records late; older than the age limit, every AWB is
# asked for again.
TRACKING_DELTA_OVERLAP = timedelta(minutes=30)
TRACKING_DELTA_MAX_AGE = timedelta(days=1)


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    @api.model
    def _fulfilment_active_shipments_domain(self):
        """Deliveries whose parcel is still on its way at a courier with an API."""
        courier_types = [code for code, _label in COURIER_TYPES]
        recent = fields.Datetime.subtract(fields.Datetime.now(), days=60)
        return [
            ("carrier_tracking_ref", "!=", False),
            ("carrier_id.delivery_type", "in", courier_types),
            ("fulfilment_tracking_final", "=", False),
            ("state", "!=", "cancel"),
            "|",
            ("state", "!=", "done"),
            ("date_done", ">=", recent),
        ]

    @api.model
    def _fulfilment_track(self, pickings):
        """Ask the couriers for the events of these deliveries, AWB by AWB.

        :return: the deliveries whose courier answered
        """
        answered = self.env["stock.picking"]
        for carrier, group in (
            pickings.filtered(
                lambda p: p.carrier_tracking_ref and p.carrier_id.fulfilment_is_courier
            )
            .grouped("carrier_id")
            .items()
        ):
            answered |= carrier._fulfilment_track_awbs(group)
        answered.write({"fulfilment_tracking_checked_at": fields.Datetime.now()})
        return answered

    def _fulfilment_track_awbs(self, pickings):
        """Events of ``pickings`` (all of this carrier), ``TRACKING_BATCH`` AWBs
        per request; stops at the first request the courier fails.

        :return: the deliveries whose courier answered
        """
        self.ensure_one()
        events_model = self.env["fulfilment.tracking.event"]
        answered = pickings.browse()
        with self._fulfilment_job_client() as client:
            for index in range(0, len(pickings), TRACKING_BATCH):
                batch = pickings[index : index + TRACKING_BATCH]
                by_awb = {picking.carrier_tracking_ref: picking for picking in batch}
                try:
                    tracked = client.track(list(by_awb))
                except CourierError as exc:
                    _logger.warning("Tracking at %s failed: %s", self.name, exc.message)
                    self._fulfilment_tracking_failed(exc.message)
                    break
                events_model._store(
                    by_awb, [event for events in tracked.values() for event in events]
                )
                answered |= batch
        if answered:
            self._fulfilment_tracking_answered()
        return answered

    def _fulfilment_track_feed(self, pickings, until):
        """Events of ``pickings`` from this courier's change feed, from its last
        poll (minus an overlap) to ``until``, in one pass; events of deliveries
        outside ``pickings`` (finished, other shops) are ignored.

        :return: whether the courier answered
        """
        self.ensure_one()
        since = self.fulfilment_tracking_synced_at - TRACKING_DELTA_OVERLAP
        with self._fulfilment_job_client() as client:
            try:
                events = client.track_delta(
                    since.replace(tzinfo=timezone.utc),
                    until.replace(tzinfo=timezone.utc),
                )
            except CourierError as exc:
                _logger.warning(
                    "Tracking feed of %s failed: %s", self.name, exc.message
                )
                self._fulfilment_tracking_failed(exc.message)
                return False
        by_awb = {picking.carrier_tracking_ref: picking for picking in pickings}
        self.env["fulfilment.tracking.event"]._store(
            by_awb, [event for event in events if event.awb in by_awb]
        )
        self.sudo().fulfilment_tracking_synced_at = until
        self._fulfilment_tracking_answered()
        return True

    def _fulfilment_feed_is_fresh(self, now):
        """Whether this courier's change feed can be read from its last poll."""
        self.ensure_one()
        synced = self.fulfilment_tracking_synced_at
        return bool(
            self._fulfilment_client_class().supports_delta
            and synced
            and synced >= now - TRACKING_DELTA_MAX_AGE
        )

    @api.model
    def _cron_fulfilment_track_shipments(self, limit=TRACKING_CRON_LIMIT):
        """Poll the couriers for the shipments still on their way.

        Couriers whose change feed is fresh are asked what changed since their
        last poll (with an overlap; known events are skipped). The other
        shipments are asked AWB by AWB in sweeps: each run asks at most
        ``limit`` of those the current sweep has not asked yet and reports its
        progress to the scheduler, which runs it again at once while some
        remain; a new sweep starts when every shipment was asked. A change feed
        takes over once a sweep has asked all its courier's shipments.
        """
        started = fields.Datetime.now()
        Picking = self.env["stock.picking"]
        active = self._fulfilment_active_shipments_domain()
        carriers = self.browse(
            [carrier.id for (carrier,) in Picking._read_group(active, ["carrier_id"])]
        )
        fed = carriers.filtered(lambda c: c._fulfilment_feed_is_fresh(started))
        for carrier in fed:
            carrier._fulfilment_track_feed(
                Picking.search(active + [("carrier_id", "=", carrier.id)]), started
            )
        swept = active + [("carrier_id", "not in", fed.ids)]
        [(sweep,)] = Picking._read_group(
            swept, aggregates=["fulfilment_tracking_sweep:max"]
        )
        sweep = sweep or 0
        due = swept + [("fulfilment_tracking_sweep", "<", sweep)]
        if not Picking.search_count(due, limit=1):
            sweep += 1
            due = swept + [("fulfilment_tracking_sweep", "<", sweep)]
        batch = Picking.search(due, limit=limit, order="id")
        asked = self._fulfilment_track(batch)
        asked.write({"fulfilment_tracking_sweep": sweep})
        for carrier in batch.carrier_id:
            carrier._fulfilment_feed_take_over(swept, due)
        self.env["ir.cron"]._notify_progress(
            done=len(asked), remaining=Picking.search_count(due)
        )

    def _fulfilment_feed_take_over(self, swept, due):
        """Once the sweep has asked every shipment of a courier with a change
        feed, the feed goes on from the oldest of those polls.

        :param swept: domain of the shipments polled AWB by AWB
        :param due: domain of those the sweep has not asked yet
        """
        self.ensure_one()
        if not self._fulfilment_client_class().supports_delta:
            return
        Picking = self.env["stock.picking"]
        mine = [("carrier_id", "=", self.id)]
        if Picking.search_count(due + mine, limit=1):
            return
        [(oldest,)] = Picking._read_group(
            swept + mine, aggregates=["fulfilment_tracking_checked_at:min"]
        )
        if oldest:
            self.sudo().fulfilment_tracking_synced_at = oldest

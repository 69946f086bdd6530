"""Shipments of many deliveries at once: a batch sent with concurrent courier
calls and booked at once, and the background job whose lanes send the
queued deliveries (one batch per cron worker, taken with ``SKIP LOCKED``).
One delivery's shipment, its request and booking are in
``delivery_carrier_shipment.py``."""

import logging
from concurrent.futures import ThreadPoolExecutor

import psycopg2

from odoo import _, api, models
from odoo.exceptions import UserError

from ..couriers import shipping
from ..couriers.shipping import (
    Connection,
)
from .delivery_carrier_shipment import (
    BULK_BATCH,
    BULK_CHUNK,
    BULK_CONCURRENCY,
    DeliveryInFlight,
)

_logger = logging.getLogger(__name__)


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    # ------------------------------------------------------------
    # Many deliveries
    # ------------------------------------------------------------

    @api.model
    def _fulfilment_send_batch(self, pickings):
        """Send many deliveries: courier calls in parallel, bookkeeping at once.

        The rows are claimed and the attempts recorded for the whole batch at
        once, before any call; then the couriers are called
        ``BULK_CONCURRENCY`` at a time over one HTTP session and token per
        carrier, ``BULK_CHUNK`` deliveries after the other, their answers
        recorded as they come (those that came together in one transaction).
        While the calls of a chunk run, the AWBs of the previous chunk are
        booked at once (``_fulfilment_book_batch``).

        :return: list of (picking, success, message)
        """
        Attempt = self.env["fulfilment.shipment.attempt"]
        results = []
        claimed = self._fulfilment_claim(pickings)
        for picking in pickings - claimed:
            results.append(
                (
                    picking,
                    False,
                    _("%s is being sent to the courier right now.", picking.name),
                )
            )
        previous = Attempt._read_committed(claimed)
        answered = refused_unsent = claimed.browse()
        connections, jobs, sending, outcomes = {}, [], {}, []
        chunks = None
        try:
            for picking in claimed:
                carrier = picking.carrier_id
                if previous.get(picking.id) and previous[picking.id].answer_kept:
                    answered |= picking
                    continue
                if carrier not in connections:
                    connections[carrier] = Connection.open(
                        carrier._fulfilment_stored_token(), BULK_CONCURRENCY
                    )
                try:
                    job = carrier._fulfilment_job(
                        picking, previous.get(picking.id), connections[carrier]
                    )
                except DeliveryInFlight as exc:
                    # Being sent right now: it stays queued.
                    results.append((picking, False, exc.args[0]))
                    continue
                except UserError as exc:
                    # Refused before any call (its address, say).
                    results.append((picking, False, exc.args[0]))
                    refused_unsent |= picking
                    continue
                jobs.append(job)
                sending[picking.id] = carrier._fulfilment_sending_values(job)
            Attempt._write_detached_many(sending)
            results += self._fulfilment_book_batch(
                [
                    (
                        picking,
                        previous[picking.id].result,
                        previous[picking.id].cod_amount,
                        previous[picking.id].recovered,
                    )
                    for picking in answered
                ]
            )
            chunks = self._fulfilment_call_chunks(jobs)
            for chunk in chunks:
                outcomes += chunk
                results += self._fulfilment_book_outcomes(chunk, claimed)
        finally:
            if chunks is not None:
                # The calls still running end before their connections.
                chunks.close()
            for connection in connections.values():
                connection.close()
        self._fulfilment_record([], connections)
        # The deliveries this batch dealt with leave the bulk queue, sent or
        # refused; those being sent by someone else right now stay in it.
        dealt_with = (
            claimed.browse([outcome.job.delivery_id for outcome in outcomes])
            | answered
            | refused_unsent
        )
        dealt_with.filtered("fulfilment_send_queued").write(
            {"fulfilment_send_queued": False}
        )
        return results

    @api.model
    def _fulfilment_call_chunks(self, jobs):
        """Run the jobs ``BULK_CHUNK`` at a time; yield the outcomes of each
        chunk, the calls of the next one running meanwhile (in a thread of
        their own, which records the answers as they come through its own
        cursors and touches nothing of this request's)."""
        chunks = [
            jobs[start : start + BULK_CHUNK]
            for start in range(0, len(jobs), BULK_CHUNK)
        ]

        def call(chunk):
            return shipping.send_all(
                chunk, BULK_CONCURRENCY, on_answers=self._fulfilment_keep_answers
            )

        # Under tests, every cursor shares the test's transaction: no thread.
        if len(chunks) < 2 or self.env.registry.in_test_mode():
            for chunk in chunks:
                yield call(chunk)
            return
        with ThreadPoolExecutor(max_workers=1) as caller:
            running = caller.submit(call, chunks[0])
            for following in [*chunks[1:], None]:
                outcomes = running.result()
                if following:
                    running = caller.submit(call, following)
                yield outcomes

    @api.model
    def _fulfilment_book_outcomes(self, outcomes, claimed):
        """Record what came of a chunk's calls and book its AWBs.

        :return: list of (picking, success, message)
        """
        refusals = self._fulfilment_record(outcomes, {})
        results = [(picking, False, message) for picking, message in refusals.items()]
        return results + self._fulfilment_book_batch(
            [
                (
                    claimed.browse(outcome.job.delivery_id),
                    outcome.result,
                    outcome.job.request.cod_amount,
                    outcome.recovered,
                )
                for outcome in outcomes
                if outcome.ok
            ]
        )

    @api.model
    def _fulfilment_book_batch(self, answers):
        """Book the answers of a batch, all at once; when one of them cannot
        be booked, one by one through ``send_to_shipper`` (each finds its
        recorded answer and calls nobody), to tell which.

        :param answers: list of (picking, ``ShipmentResult``, COD amount,
            recovered)
        :return: list of (picking, success, message)
        """
        if not answers:
            return []
        try:
            with self.env.cr.savepoint():
                self._fulfilment_book_many(answers)
        except UserError:
            results = []
            for picking, *_answer in answers:
                try:
                    with self.env.cr.savepoint():
                        picking.send_to_shipper()
                except UserError as exc:
                    results.append((picking, False, exc.args[0]))
                else:
                    results.append(
                        (
                            picking,
                            True,
                            _("AWB %s created.", picking.carrier_tracking_ref),
                        )
                    )
            return results
        return [
            (picking, True, self.env._("AWB %s created.", picking.carrier_tracking_ref))
            for picking, *_answer in answers
        ]

    @api.model
    def _fulfilment_book_many(self, answers):
        """Book the couriers' answers on many deliveries at once.

        For the whole batch, what Odoo's ``send_to_shipper`` (AWB on the
        delivery and the pickings chained to it, price with the carrier's
        margins, note, delivery cost on the order) and ``_fulfilment_book``
        (label, courier cost, the orders' "AWB created" event) do for one
        delivery, in a few statements: the labels in one insert, the notes in
        one insert, the deliveries' values in one flush, the status event
        (history and queued customer notifications) once for all the orders.

        :param answers: list of (picking, ``ShipmentResult``, COD amount,
            recovered), of deliveries whose rows this transaction holds
        """
        pickings = self.env["stock.picking"].browse(
            [picking.id for picking, *_answer in answers]
        )
        with_label = [
            (picking, result) for picking, result, *_rest in answers if result.label
        ]
        attachments = self.env["ir.attachment"].create(
            [
                picking.carrier_id._fulfilment_label_values(
                    picking, result.awb, result.label
                )
                for picking, result in with_label
            ]
        )
        labels = {
            picking: attachment
            for (picking, _result), attachment in zip(
                with_label, attachments, strict=True
            )
        }
        currencies, notes = {}, {}
        for picking, result, cod_amount, recovered in answers:
            carrier = picking.carrier_id
            price = carrier._fulfilment_company_price(
                picking, result.price, result.currency, currencies
            )
            picking.write(
                {
                    "fulfilment_courier_price": price,
                    "fulfilment_cod_amount": cod_amount,
                    "fulfilment_send_queued": False,
                    "fulfilment_parcel_id": result.shipment_id or False,
                    "fulfilment_label_id": labels.get(picking, attachments.browse()).id,
                    "carrier_price": picking._fulfilment_carrier_price(
                        result.price and price or carrier.fixed_price
                    ),
                }
            )
            picking._fulfilment_set_tracking_ref(result.awb)
            notes[picking.id] = picking._fulfilment_booking_note(
                result.awb, bool(result.label), recovered
            )
            picking._add_delivery_cost_to_so()
        pickings._message_log_batch(bodies=notes)
        pickings._fulfilment_update_order_courier_cost()
        pickings.sale_id._fulfilment_trigger_event(
            "awb_created", reason=_("AWB created by the courier")
        )

    @api.model
    def _fulfilment_lock(self, pickings):
        """Hold the deliveries' rows for this transaction: a second click or a
        second worker stops here instead of calling the courier again."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM stock_picking WHERE id IN %s "
                    "FOR NO KEY UPDATE NOWAIT",
                    [tuple(pickings.ids)],
                )
        except psycopg2.errors.LockNotAvailable as exc:
            raise UserError(
                _("%s is being sent to the courier right now.", pickings[:1].name)
            ) from exc

    @api.model
    def _fulfilment_claim(self, pickings):
        """The deliveries whose rows this transaction could hold; the others
        are being sent by someone else right now."""
        self.env.cr.execute(
            "SELECT id FROM stock_picking WHERE id IN %s FOR NO KEY UPDATE SKIP LOCKED",
            [tuple(pickings.ids)],
        )
        return pickings.browse(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _cron_fulfilment_send_queued(self, limit=BULK_BATCH):
        """Send the deliveries queued by a bulk action, ``limit`` per run.

        Each run reports its progress to the scheduler, which runs it again at
        once while deliveries remain queued. The job has several lanes
        (``SEND_QUEUED_CRONS``, scheduled actions running this same code):
        the cron workers of every server take one lane each and send one
        batch each at the same time, every run taking the first queued
        deliveries that no other run holds. The users who queued them are
        notified of each run's result.
        """
        done, remaining = self._fulfilment_send_queued(limit)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _fulfilment_send_queued(self, limit=BULK_BATCH):
        """Send one batch of the queued deliveries, those no other transaction
        holds (``SKIP LOCKED``), and notify the users who queued them.

        :return: (deliveries dealt with, deliveries still queued)
        """
        Picking = self.env["stock.picking"]
        queued = [("fulfilment_send_queued", "=", True)]
        batch = self._fulfilment_claim_queued(limit)
        done = batch.browse()
        if batch:
            results = self._fulfilment_send_batch(batch)
            batch.invalidate_recordset(["fulfilment_send_queued"])
            # Deliveries another transaction was sending stay queued for a
            # later run; only those dealt with count as done.
            done = batch.filtered(lambda picking: not picking.fulfilment_send_queued)
            self._fulfilment_notify_senders(
                done, [result for result in results if result[0] in done]
            )
        return len(done), Picking.search_count(queued)

    @api.model
    def _fulfilment_claim_queued(self, limit):
        """The first ``limit`` queued deliveries whose rows no other
        transaction holds, held for this one: two runs at the same time (two
        cron workers, two servers) take different deliveries."""
        Picking = self.env["stock.picking"]
        Picking.flush_model(["fulfilment_send_queued"])
        self.env.cr.execute(
            "SELECT id FROM stock_picking WHERE fulfilment_send_queued "
            "ORDER BY id LIMIT %s FOR NO KEY UPDATE SKIP LOCKED",
            [limit],
        )
        return Picking.browse(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _fulfilment_notify_senders(self, pickings, results):
        """Tell the users who queued ``pickings`` how their sending went."""
        failed = [(picking, message) for picking, ok, message in results if not ok]
        for user, queued in pickings.grouped("fulfilment_queued_by_id").items():
            if not user:
                continue
            refused = [message for picking, message in failed if picking in queued]
            remaining = self.env["stock.picking"].search_count(
                [
                    ("fulfilment_send_queued", "=", True),
                    ("fulfilment_queued_by_id", "=", user.id),
                ]
            )
            self.env["ir.cron"]._fulfilment_notify_run(
                user,
                _("Courier sending: %s still queued", remaining)
                if remaining
                else _("Courier sending done"),
                _(
                    "%(sent)s sent, %(refused)s refused.",
                    sent=len(queued) - len(refused),
                    refused=len(refused),
                ),
                refused,
            )

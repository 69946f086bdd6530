"""Shipments of the courier carriers: AWB, label, cancel.

The provider side of Odoo's ``send_to_shipper`` and ``cancel_shipment``. An AWB
goes: hold the delivery's row; read its last attempt; plan (create, or look up
what an earlier attempt may have created); record the attempt in a
transaction of its own; call the courier (several deliveries at once for a
batch); record the AWB in a transaction of its own as soon as the courier
gives it, then ask for its label (a label that fails leaves the AWB booked
and the label pending, fetched again with *Retry Label*); book it on the
delivery through Odoo's ``send_to_shipper``. Booking an answer already
recorded calls nobody. A batch books all its answers at once (labels, notes,
the orders' status event in a few statements, ``_fulfilment_book_many``),
and falls back to ``send_to_shipper`` one delivery at a time only when one of
them cannot be booked. Large batches are queued and sent by the lanes of the
background job, one batch per cron worker at the same time.
"""

import logging
from datetime import datetime, timezone

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..couriers import Address, CourierError, Parcel, ShipmentRequest, shipping
from ..couriers.shipping import (
    CANCELLED,
    FAILED,
    SENDING,
    UNKNOWN,
    Connection,
    Plan,
    ShipmentInFlight,
    ShipmentJob,
)

_logger = logging.getLogger(__name__)

BULK_CONCURRENCY = 8  # simultaneous calls to the couriers during bulk sending
BULK_SYNC_LIMIT = 20  # more deliveries than this are sent in the background
BULK_BATCH = 50  # deliveries per run of the background job
# The lanes of the background job: as many batches sent at the same time.
SEND_QUEUED_CRONS = (
    "order_fulfilment.ir_cron_fulfilment_send_queued",
    "order_fulfilment.ir_cron_fulfilment_send_queued_lane_2",
    "order_fulfilment.ir_cron_fulfilment_send_queued_lane_3",
    "order_fulfilment.ir_cron_fulfilment_send_queued_lane_4",
)


class DeliveryInFlight(UserError):
    """The delivery is being sent to its courier right now, by another
    transaction."""


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    # ------------------------------------------------------------
    # Provider contract
    # ------------------------------------------------------------

    def _fulfilment_send_shipping(self, pickings):
        """``<type>_send_shipping`` of the courier integrations."""
        return [self._fulfilment_ship(picking) for picking in pickings]

    def _fulfilment_cancel_shipment(self, pickings):
        """``<type>_cancel_shipment`` of the courier integrations."""
        for picking in pickings:
            self._fulfilment_cancel(picking)

    # ------------------------------------------------------------
    # One delivery
    # ------------------------------------------------------------

    def _fulfilment_ship(self, picking):
        """The AWB of one delivery, as ``send_shipping`` returns it.

        :raise UserError: the delivery is being sent right now, or the courier
            refused it or did not answer (then the next try looks it up first)
        """
        self.ensure_one()
        self._fulfilment_lock(picking)
        Attempt = self.env["fulfilment.shipment.attempt"]
        previous = Attempt._read_committed(picking).get(picking.id)
        if previous and previous.answer_kept:
            return self._fulfilment_book(
                picking, previous.result, previous.cod_amount, previous.recovered
            )
        connection = Connection.open(self._fulfilment_stored_token())
        try:
            job = self._fulfilment_job(picking, previous, connection)
            Attempt._write_detached(picking.id, self._fulfilment_sending_values(job))
            outcome = shipping.send(job, on_answer=self._fulfilment_keep_answer)
        finally:
            connection.close()
        refusals = self._fulfilment_record([outcome], {self: connection})
        if picking in refusals:
            raise UserError(refusals[picking])
        return self._fulfilment_book(
            picking, outcome.result, job.request.cod_amount, outcome.recovered
        )

    def _fulfilment_job(self, picking, previous, connection):
        """The courier call of ``picking``, planned after its ``previous`` attempt.

        :param connection: the ``couriers.shipping.Connection`` to use
        """
        self.ensure_one()
        try:
            plan = Plan.after(
                previous, datetime.now(timezone.utc), self.fulfilment_timeout or 30.0
            )
        except ShipmentInFlight as exc:
            raise DeliveryInFlight(
                _("%s is being sent to the courier right now.", picking.name)
            ) from exc
        job = ShipmentJob(
            delivery_id=picking.id,
            request=self._fulfilment_shipment_request(picking, plan.idempotency_key),
            plan=plan,
        )
        job.client = self._fulfilment_client(
            on_exchange=job.record_exchange,
            session=connection.session,
            token_store=connection.token_store,
        )
        return job

    def _fulfilment_sending_values(self, job):
        """The attempt recorded before the courier is called."""
        return {
            "carrier_id": self.id,
            "idempotency_key": job.plan.idempotency_key,
            "state": SENDING,
            "attempted_at": fields.Datetime.now(),
            "error": False,
            "label": False,
        }

    @api.model
    def _fulfilment_keep_answer(self, outcome):
        """Record the AWB the courier just gave, in a transaction of its own,
        before its label is asked for: whatever happens next, the next attempt
        books this AWB instead of asking for another."""
        self._fulfilment_keep_answers([outcome])

    @api.model
    def _fulfilment_keep_answers(self, outcomes):
        """Same for the answers that came together, in one transaction."""
        Attempt = self.env["fulfilment.shipment.attempt"]
        Attempt._write_detached_many(
            {
                outcome.job.delivery_id: Attempt._outcome_values(outcome)
                for outcome in outcomes
                if outcome.ok
            }
        )

    @api.model
    def _fulfilment_record(self, outcomes, connections):
        """Keep what came of the calls, in transactions of their own: the
        exchanges, the attempts (with their labels), the tokens the couriers
        gave.

        :param connections: {carrier: ``Connection``} the calls used
        :return: {picking: message} of the deliveries that got no AWB
        """
        Picking = self.env["stock.picking"]
        Attempt = self.env["fulfilment.shipment.attempt"]
        refusals, attempts, logs = {}, {}, []
        for outcome in outcomes:
            picking = Picking.browse(outcome.job.delivery_id)
            logs.append((picking.carrier_id, picking, outcome.job.exchanges))
            if outcome.ok:
                attempts[picking.id] = Attempt._outcome_values(outcome)
                if outcome.label_error:
                    attempts[picking.id]["error"] = (
                        picking.carrier_id._fulfilment_label_pending_message(
                            outcome.result.awb, outcome.label_error.message
                        )
                    )
                continue
            state, message = picking.carrier_id._fulfilment_refusal(picking, outcome)
            refusals[picking] = message
            attempts[picking.id] = {"state": state, "error": message}
        self.env["fulfilment.courier.log"]._store_detached_many(logs)
        Attempt._write_detached_many(attempts)
        for carrier, connection in connections.items():
            token = connection.renewed_token()
            if token:
                carrier._fulfilment_save_token(token)
        return refusals

    def _fulfilment_refusal(self, picking, outcome):
        """Why ``outcome`` brought no AWB.

        :return: (attempt state, translated message)
        """
        self.ensure_one()
        if outcome.uncertain:
            return UNKNOWN, _(
                "%(courier)s gave no clear answer (%(reason)s). The shipment may "
                "exist at the courier: sending again first looks it up, so no "
                "second AWB is created.",
                courier=self.name,
                reason=outcome.error.message,
            )
        return FAILED, _(
            "%(courier)s refused the shipment of %(picking)s: %(reason)s",
            courier=self.name,
            picking=picking.name,
            reason=outcome.error.message,
        )

    def _fulfilment_book(self, picking, result, cod_amount, recovered):
        """Put the courier's answer on the delivery and its order.

        :param result: the courier's ``ShipmentResult``
        :param recovered: the AWB comes from an earlier attempt that got no answer
        :return: what ``send_shipping`` returns for the delivery
        """
        self.ensure_one()
        price = self._fulfilment_company_price(picking, result.price, result.currency)
        values = {
            "fulfilment_courier_price": price,
            "fulfilment_cod_amount": cod_amount,
            "fulfilment_send_queued": False,
            "fulfilment_parcel_id": result.shipment_id or False,
        }
        if result.label:
            values["fulfilment_label_id"] = self._fulfilment_label_attachment(
                picking, result.awb, result.label
            ).id
        picking.write(values)
        picking._fulfilment_update_order_courier_cost()
        if not result.label:
            picking._message_log(
                body=_(
                    "AWB %s created; its label is pending: use Retry Label.",
                    result.awb,
                )
            )
        if recovered:
            picking._message_log(
                body=_(
                    "The courier had already created AWB %s in an earlier attempt "
                    "that got no answer: it is used, no second AWB was created.",
                    result.awb,
                )
            )
        if picking.sale_id:
            picking.sale_id._fulfilment_trigger_event(
                "awb_created", reason=_("AWB %s", result.awb)
            )
        return {
            "exact_price": result.price and price or self.fixed_price,
            "tracking_number": result.awb,
        }

    def _fulfilment_label_attachment(self, picking, awb, label):
        """The PDF ``label`` of ``awb``, attached to ``picking``."""
        self.ensure_one()
        return self.env["ir.attachment"].create(
            self._fulfilment_label_values(picking, awb, label)
        )

    def _fulfilment_label_values(self, picking, awb, label):
        """The attachment of the PDF ``label`` of ``awb`` on ``picking``."""
        self.ensure_one()
        return {
            "name": f"{self.name} {awb}.pdf",
            "raw": label,
            "mimetype": "application/pdf",
            "res_model": "stock.picking",
            "res_id": picking.id,
        }

    def _fulfilment_label_pending_message(self, awb, reason):
        self.ensure_one()
        return _(
            "AWB %(awb)s, label pending: %(courier)s did not give the label "
            "(%(reason)s). Use Retry Label.",
            awb=awb,
            courier=self.name,
            reason=reason,
        )

    def _fulfilment_fetch_label(self, picking):
        """Ask the courier again for the label of the AWB of ``picking``, whose
        label did not come with it, and attach it.

        :raise UserError: the courier did not give it (the reason is kept on
            the delivery's attempt)
        """
        self.ensure_one()
        self._fulfilment_lock(picking)
        picking.invalidate_recordset(["fulfilment_label_id"])
        if picking.fulfilment_label_id:
            return picking.fulfilment_label_id
        awb = picking.carrier_tracking_ref
        Attempt = self.env["fulfilment.shipment.attempt"]
        has_attempt = bool(Attempt._read_committed(picking))
        exchanges = []
        client = self._fulfilment_client(
            on_exchange=lambda *exchange: exchanges.append(exchange)
        )
        try:
            label = client.get_label(awb, self.fulfilment_label_format or "A4")
        except CourierError as exc:
            message = self._fulfilment_label_pending_message(awb, exc.message)
            if has_attempt:
                Attempt._write_detached(picking.id, {"error": message})
            raise UserError(message) from exc
        finally:
            self.env["fulfilment.courier.log"]._store_detached(self, picking, exchanges)
        attachment = self._fulfilment_label_attachment(picking, awb, label)
        picking.fulfilment_label_id = attachment
        if has_attempt:
            Attempt._write_detached(picking.id, {"error": False})
        picking._message_log(body=_("Label of AWB %s received.", awb))
        return attachment

    def _fulfilment_company_price(self, picking, amount, currency_name, memo=None):
        """``amount`` in ``currency_name`` in the delivery's company currency.

        :param memo: optional dict keeping the currencies already looked up
            (a batch books many prices in the same few currencies)
        """
        name = currency_name or "RON"
        currency = memo.get(name) if memo is not None else None
        if currency is None:
            currency = (
                self.env["res.currency"]
                .with_context(active_test=False)
                .search([("name", "=", name)], limit=1)
            )
            if memo is not None:
                memo[name] = currency
        company = picking.company_id or self.env.company
        if not currency or currency == company.currency_id:
            return amount
        return currency._convert(
            amount, company.currency_id, company, fields.Date.today()
        )

    def _fulfilment_cancel(self, picking):
        """Cancel the AWB of ``picking`` at the courier."""
        self.ensure_one()
        exchanges = []
        client = self._fulfilment_client(
            on_exchange=lambda *exchange: exchanges.append(exchange)
        )
        try:
            client.cancel(
                picking.carrier_tracking_ref,
                shipment_id=picking.fulfilment_parcel_id or "",
            )
        except CourierError as exc:
            raise UserError(
                _(
                    "%(courier)s did not cancel %(awb)s: %(reason)s",
                    courier=self.name,
                    awb=picking.carrier_tracking_ref,
                    reason=exc.message,
                )
            ) from exc
        finally:
            self.env["fulfilment.courier.log"]._store_detached(self, picking, exchanges)
        self.env["fulfilment.shipment.attempt"]._write_detached(
            picking.id, {"state": CANCELLED, "error": False, "label": False}
        )
        picking.write({"fulfilment_courier_price": 0.0, "fulfilment_cod_amount": 0.0})
        picking._fulfilment_update_order_courier_cost()

    # ------------------------------------------------------------
    # Many deliveries
    # ------------------------------------------------------------

    @api.model
    def _fulfilment_send_batch(self, pickings):
        """Send many deliveries: courier calls in parallel, bookkeeping at once.

        The rows are claimed and the attempts recorded for the whole batch at
        once, the couriers called ``BULK_CONCURRENCY`` at a time over one HTTP
        session and token per carrier, their answers recorded as they come
        (those that came together in one transaction), then all the AWBs are
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
        connections, jobs, sending = {}, [], {}
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
            outcomes = shipping.send_all(
                jobs, BULK_CONCURRENCY, on_answers=self._fulfilment_keep_answers
            )
        finally:
            for connection in connections.values():
                connection.close()
        refusals = self._fulfilment_record(outcomes, connections)
        for picking, message in refusals.items():
            results.append((picking, False, message))
        answers = {
            picking: (
                previous[picking.id].result,
                previous[picking.id].cod_amount,
                previous[picking.id].recovered,
            )
            for picking in answered
        }
        for outcome in outcomes:
            if outcome.ok:
                answers[claimed.browse(outcome.job.delivery_id)] = (
                    outcome.result,
                    outcome.job.request.cod_amount,
                    outcome.recovered,
                )
        answered = claimed.filtered(lambda picking: picking in answers)
        results += self._fulfilment_book_batch(
            [(picking, *answers[picking]) for picking in answered]
        )
        # The deliveries this batch dealt with leave the bulk queue, sent or
        # refused; those being sent by someone else right now stay in it.
        dealt_with = (
            claimed.browse([outcome.job.delivery_id for outcome in outcomes])
            | (claimed & answered)
            | refused_unsent
        )
        dealt_with.filtered("fulfilment_send_queued").write(
            {"fulfilment_send_queued": False}
        )
        return results

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
            user.partner_id._bus_send(
                "simple_notification",
                {
                    "type": "warning" if refused else "success",
                    "title": _("Courier sending: %s still queued", remaining)
                    if remaining
                    else _("Courier sending done"),
                    "message": _(
                        "%(sent)s sent, %(refused)s refused.",
                        sent=len(queued) - len(refused),
                        refused=len(refused),
                    )
                    + ("\n" + "\n".join(refused[:10]) if refused else ""),
                    "sticky": bool(refused),
                },
            )

    # ------------------------------------------------------------
    # The request
    # ------------------------------------------------------------

    def _fulfilment_shipment_request(self, picking, key):
        """The courier-neutral request of ``picking``."""
        self.ensure_one()
        partner = picking.partner_id
        order = picking.sale_id
        weight = picking.shipping_weight or picking._get_estimated_weight()
        # Street name and house number as the address form keeps them apart.
        street, number = partner._fulfilment_street_parts()
        return ShipmentRequest(
            reference=picking.name,
            idempotency_key=key,
            recipient=Address(
                name=partner.name or "",
                contact_name=partner.name or "",
                company_name=partner.commercial_partner_id.name
                if partner.commercial_partner_id.is_company
                else "",
                street=" ".join(part for part in (street, partner.street2) if part),
                street_no=number,
                city=partner.city or "",
                county=partner.state_id.name or "",
                zip_code=partner.zip or "",
                country_code=partner.country_id.code or "RO",
                phone=partner.mobile or partner.phone or "",
                email=partner.email or "",
            ),
            parcels=[
                Parcel(
                    weight=weight or self.fulfilment_default_weight or 1.0,
                    length=self.fulfilment_parcel_length,
                    width=self.fulfilment_parcel_width,
                    height=self.fulfilment_parcel_height,
                )
            ],
            service=self.fulfilment_service or "",
            pickup_point=self.fulfilment_pickup_point or "",
            declared_value=order.amount_untaxed if order else 0.0,
            currency=(order.currency_id or picking.company_id.currency_id).name,
            cod_amount=self._fulfilment_cod_amount(picking),
            content=", ".join(picking.move_ids.product_id.mapped("name"))[:120],
            observation=order.client_order_ref or "" if order else "",
            label_format=self.fulfilment_label_format or "A4",
            payer=self.fulfilment_payer or "sender",
        )

    @api.model
    def _fulfilment_cod_amount(self, picking):
        """What the courier collects: the unpaid total of a cash-on-delivery order,
        on its first shipped parcel only."""
        order = picking.sale_id
        if not order or not order.fulfilment_cash_on_delivery:
            return 0.0
        others = order.picking_ids - picking
        if any(others.mapped("fulfilment_cod_amount")):
            return 0.0
        return order.currency_id.round(max(order.fulfilment_amount_due, 0.0))

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
# Deliveries whose calls run while the AWBs of the previous ones are booked.
BULK_CHUNK = 25
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
        """Same for the answers that came together, in one transaction (one
        statement); those that came with their label need no other record."""
        Attempt = self.env["fulfilment.shipment.attempt"]
        answers = [outcome for outcome in outcomes if outcome.ok]
        # Called by the thread waiting for the calls: this request's cache is
        # left alone (``_fulfilment_record`` clears it once the calls are over).
        Attempt._write_detached_many(
            {
                outcome.job.delivery_id: Attempt._outcome_values(outcome)
                for outcome in answers
            },
            invalidate=False,
        )
        for outcome in answers:
            outcome.kept = bool(outcome.result.label)

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
            if outcome.ok and outcome.kept and not outcome.label_error:
                continue
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
        # The exchanges and the attempts in one transaction of their own.
        Log = self.env["fulfilment.courier.log"]
        if logs or attempts:
            with self.env.registry.cursor() as cr:
                Log._insert(cr, Log._values(logs))
                if attempts:
                    Attempt._upsert(cr, attempts)
        Attempt.invalidate_model()
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

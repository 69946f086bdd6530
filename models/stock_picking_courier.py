"""Courier shipments of deliveries: AWB, label, cancel, tracking."""

import base64
import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta, timezone

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.pdf import merge_pdf

from ..couriers import (
    Address,
    CourierError,
    CourierTimeout,
    Parcel,
    ShipmentRequest,
    ShipmentResult,
)
from ..couriers.base import MemoryTokenStore
from .delivery_carrier import COURIER_TYPES
from .fulfilment_courier_status import NORMALIZED_STATUSES
from .fulfilment_shipment_attempt import ATTEMPT_STATES

_logger = logging.getLogger(__name__)

BULK_CONCURRENCY = 8  # simultaneous calls to one courier during bulk sending
BULK_SYNC_LIMIT = 20  # more deliveries than this are sent in the background
BULK_BATCH = 50  # deliveries per transaction of the background job
TRACKING_BATCH = 50  # AWBs per tracking call
# Change feeds (Sameday, Cargus) are read from the last poll minus an overlap,
# for events the courier records late; older than the age limit, every AWB is
# asked for again.
TRACKING_DELTA_OVERLAP = timedelta(minutes=30)
TRACKING_DELTA_MAX_AGE = timedelta(days=1)


def _call_courier(job):
    """The courier part of a shipment: no database access, safe in a thread."""
    client, request = job["client"], job["request"]
    try:
        if job.get("known_awb"):
            found = client.find_shipment(request.reference, created_after=job["since"])
            if found is None or found.awb != job["known_awb"]:
                found = ShipmentResult(awb=job["known_awb"])
            return {
                "job": job,
                "result": _with_label(client, found, request),
                "recovered": True,
            }
        if job.get("since"):
            found = client.find_shipment(request.reference, created_after=job["since"])
            if found:
                return {
                    "job": job,
                    "result": _with_label(client, found, request),
                    "recovered": True,
                }
        return {"job": job, "result": client.create_shipment(request)}
    except CourierTimeout as exc:
        return {"job": job, "error": exc, "timeout": True}
    except CourierError as exc:
        return {"job": job, "error": exc}


def _with_label(client, result, request):
    if result.label is None:
        try:
            result.label = client.get_label(result.awb, request.label_format)
        except CourierError as exc:
            _logger.info("Label of %s not fetched again: %s", result.awb, exc.message)
    return result


# Number of deliveries the picking screen lists at once.


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # Courier shipment
    fulfilment_is_courier = fields.Boolean(related="carrier_id.fulfilment_is_courier")
    fulfilment_attempt_id = fields.Many2one(
        "fulfilment.shipment.attempt", compute="_compute_fulfilment_attempt_id"
    )
    fulfilment_shipment_state = fields.Selection(
        ATTEMPT_STATES,
        compute="_compute_fulfilment_attempt_id",
        string="Courier Status",
    )
    fulfilment_shipment_error = fields.Text(
        compute="_compute_fulfilment_attempt_id", string="Courier Error"
    )
    fulfilment_send_queued = fields.Boolean(
        string="Queued for the Courier", copy=False, index=True, readonly=True
    )
    fulfilment_queued_by_id = fields.Many2one("res.users", copy=False, readonly=True)
    fulfilment_courier_price = fields.Float(
        string="Courier Price",
        copy=False,
        readonly=True,
        help="The price the courier charged for the AWB, in the company's currency.",
    )
    fulfilment_cod_amount = fields.Float(
        string="Cash on Delivery", copy=False, readonly=True
    )
    fulfilment_parcel_id = fields.Char(copy=False, readonly=True)
    fulfilment_label_id = fields.Many2one("ir.attachment", string="Label", copy=False)
    fulfilment_log_count = fields.Integer(
        compute="_compute_fulfilment_log_count", groups="order_fulfilment.group_manager"
    )

    # Tracking
    fulfilment_tracking_event_ids = fields.One2many(
        "fulfilment.tracking.event", "picking_id", string="Tracking"
    )
    fulfilment_tracking_status = fields.Selection(
        NORMALIZED_STATUSES, string="Tracking Status", copy=False, index=True
    )
    fulfilment_tracking_final = fields.Boolean(copy=False, index=True)
    fulfilment_tracking_url = fields.Char(
        compute="_compute_fulfilment_tracking_url", string="Tracking Link"
    )

    def _compute_fulfilment_attempt_id(self):
        attempts = (
            self.env["fulfilment.shipment.attempt"]
            .sudo()
            .search([("picking_id", "in", self.ids)])
        )
        by_picking = {attempt.picking_id.id: attempt for attempt in attempts}
        for picking in self:
            attempt = by_picking.get(picking.id, attempts.browse())
            picking.fulfilment_attempt_id = attempt
            picking.fulfilment_shipment_state = attempt.state
            picking.fulfilment_shipment_error = attempt.error

    def _compute_fulfilment_log_count(self):
        counts = dict(
            self.env["fulfilment.courier.log"]._read_group(
                [("picking_id", "in", self.ids)], ["picking_id"], ["__count"]
            )
        )
        for picking in self:
            picking.fulfilment_log_count = counts.get(picking, 0)

    @api.depends("carrier_id", "carrier_tracking_ref")
    def _compute_fulfilment_tracking_url(self):
        for picking in self:
            url = False
            if picking.carrier_id and picking.carrier_tracking_ref:
                url = picking.carrier_id.get_tracking_link(picking)
            picking.fulfilment_tracking_url = url

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_fulfilment_send_to_courier(self):
        """Create the AWB of each delivery at its courier (bulk above a few)."""
        pickings = self._fulfilment_check_sendable()
        if len(pickings) == 1:
            pickings.send_to_shipper()
            return self._fulfilment_notify(
                _("AWB %s created.", pickings.carrier_tracking_ref)
            )
        if len(pickings) <= BULK_SYNC_LIMIT:
            results = pickings._fulfilment_send_batch()
            return self.env["fulfilment.batch.result"]._open(
                results,
                _("Send to Courier"),
                success_summary=_("AWB(s) created."),
                refused_summary=_(
                    "delivery(ies) not sent; the reasons are below. Fix them and "
                    "send again: nothing is sent twice."
                ),
                success_action=(_("Print Labels"), "action_fulfilment_print_labels"),
            )
        pickings.write(
            {"fulfilment_send_queued": True, "fulfilment_queued_by_id": self.env.uid}
        )
        self.env.ref("order_fulfilment.ir_cron_fulfilment_send_queued")._trigger()
        return self._fulfilment_notify(
            _(
                "%s deliveries are being sent to their couriers in the background; "
                "you will be notified when it is done.",
                len(pickings),
            )
        )

    def action_fulfilment_print_labels(self):
        """One PDF with the labels of all the selected deliveries."""
        labels = self.filtered("fulfilment_label_id").mapped("fulfilment_label_id")
        if not labels:
            raise UserError(
                _("None of the selected deliveries has a courier label yet.")
            )
        merged = merge_pdf([base64.b64decode(label.datas) for label in labels])
        attachment = self.env["ir.attachment"].create(
            {
                "name": _("Courier labels (%s).pdf", len(labels)),
                "datas": base64.b64encode(merged),
                "mimetype": "application/pdf",
                "res_model": "stock.picking",
                "res_id": labels[0].res_id,
            }
        )
        for picking in self.filtered("fulfilment_label_id"):
            picking._message_log(body=_("Courier label printed."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_fulfilment_cancel_awb(self):
        for picking in self:
            if not picking.carrier_tracking_ref:
                raise UserError(_("%s has no AWB to cancel.", picking.name))
            picking.cancel_shipment()

    def action_fulfilment_manual_tracking(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Tracking Number"),
            "res_model": "fulfilment.manual.tracking",
            "view_mode": "form",
            "target": "new",
            "context": {"default_picking_id": self.id},
        }

    def action_fulfilment_view_logs(self):
        """What was exchanged with the courier about this delivery."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_fulfilment.fulfilment_courier_log_action"
        )
        action["domain"] = [("picking_id", "=", self.id)]
        return action

    def action_fulfilment_refresh_tracking(self):
        self._fulfilment_update_tracking()

    def _fulfilment_notify(self, message, kind="success"):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": kind, "message": message, "sticky": False},
        }

    def _fulfilment_check_sendable(self):
        """The deliveries that can go to a courier; a clear error otherwise."""
        problems = []
        for picking in self:
            if not picking.carrier_id:
                problems.append(_("%s has no carrier.", picking.name))
            elif not picking.carrier_id.fulfilment_is_courier:
                problems.append(
                    _(
                        "%(picking)s: %(carrier)s has no courier API; enter its "
                        "tracking number by hand.",
                        picking=picking.name,
                        carrier=picking.carrier_id.name,
                    )
                )
            elif picking.carrier_tracking_ref:
                problems.append(
                    _(
                        "%(picking)s already has the AWB %(awb)s.",
                        picking=picking.name,
                        awb=picking.carrier_tracking_ref,
                    )
                )
            elif picking.state == "cancel" or picking.picking_type_code != "outgoing":
                problems.append(_("%s is not a delivery to ship.", picking.name))
        if problems and len(self) == 1:
            raise UserError(problems[0])
        sendable = self.filtered(
            lambda p: (
                p.carrier_id.fulfilment_is_courier
                and not p.carrier_tracking_ref
                and p.state != "cancel"
                and p.picking_type_code == "outgoing"
            )
        )
        if not sendable:
            raise UserError("\n".join(problems) or _("Nothing to send."))
        return sendable

    # ------------------------------------------------------------
    # Shipment: prepare (database) / call (courier) / finish (database)
    # ------------------------------------------------------------

    def _fulfilment_ship(self):
        """Provider implementation of ``send_shipping`` for one delivery."""
        self.ensure_one()
        outcome = (self.env.context.get("fulfilment_outcomes") or {}).get(self.id)
        if outcome is None:
            outcome = _call_courier(self._fulfilment_prepare_shipment())
        return self._fulfilment_finish_shipment(outcome)

    def _fulfilment_prepare_shipment(self, batch=None):
        """Claim the delivery, decide create or look-up, build the request.

        :param batch: when sending many deliveries, a dict shared by the batch:
            the rows are locked and the attempts read and written for all of
            them at once by ``_fulfilment_send_batch``.
        """
        self.ensure_one()
        carrier = self.carrier_id
        if batch is None:
            self._fulfilment_lock_rows()
            attempt = (
                self.env["fulfilment.shipment.attempt"]
                .sudo()
                .search([("picking_id", "=", self.id)], limit=1)
            )
        else:
            attempt = batch["attempts"].get(
                self.id, self.env["fulfilment.shipment.attempt"]
            )
        return self._fulfilment_plan_shipment(carrier, attempt, batch)

    def _fulfilment_lock_rows(self):
        """Hold the deliveries' rows for this transaction: a second click or a
        second worker stops here instead of calling the courier again."""
        try:
            # Hold the delivery's row for this transaction: a second click or a
            # second worker stops here instead of calling the courier again.
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM stock_picking WHERE id IN %s "
                    "FOR NO KEY UPDATE NOWAIT",
                    [tuple(self.ids)],
                )
        except psycopg2.errors.LockNotAvailable as exc:
            raise UserError(
                _("%s is being sent to the courier right now.", self[:1].name)
            ) from exc

    def _fulfilment_plan_shipment(self, carrier, attempt, batch):
        now = fields.Datetime.now()
        job = {"picking_id": self.id, "since": None, "known_awb": None}
        if attempt.state == "sending":
            window = timedelta(seconds=2 * (carrier.fulfilment_timeout or 30.0) + 10)
            if attempt.attempted_at > now - window:
                raise UserError(
                    _("%s is being sent to the courier right now.", self.name)
                )
        if attempt.state in ("sending", "unknown", "sent"):
            # The previous attempt may have created the AWB: find it first.
            job["since"] = (attempt.attempted_at - timedelta(minutes=10)).replace(
                tzinfo=timezone.utc
            )
            job["known_awb"] = attempt.state == "sent" and attempt.awb or None
            key = attempt.idempotency_key
        else:
            key = uuid.uuid4().hex
        sending = {
            "carrier_id": carrier.id,
            "idempotency_key": key,
            "state": "sending",
            "attempted_at": now,
            "error": False,
        }
        if batch is None:
            self.env["fulfilment.shipment.attempt"]._write_detached(self.id, sending)
            token = carrier._fulfilment_client().token_store.get()
        else:
            batch["sending"][self.id] = sending
            if carrier not in batch["tokens"]:
                batch["tokens"][carrier] = (
                    carrier._fulfilment_client().token_store.get()
                )
            token = batch["tokens"][carrier]
        session = None
        if batch is not None:
            if carrier not in batch.setdefault("sessions", {}):
                batch["sessions"][carrier] = carrier._fulfilment_session(
                    BULK_CONCURRENCY
                )
            session = batch["sessions"][carrier]
        exchanges = []
        token_store = MemoryTokenStore()
        token_store._value = token
        job.update(
            {
                "key": key,
                "exchanges": exchanges,
                "token_store": token_store,
                "initial_token": token_store.get(),
                "request": self._fulfilment_shipment_request(key),
                "client": carrier._fulfilment_client(
                    on_exchange=lambda *args: exchanges.append(args),
                    token_store=token_store,
                    session=session,
                ),
            }
        )
        return job

    def _fulfilment_finish_shipment(self, outcome):
        """Record the courier's answer; raise a clear error when it refused."""
        self.ensure_one()
        job = outcome["job"]
        carrier = self.carrier_id
        recorded = self.env.context.get("fulfilment_recorded")
        if not recorded:
            self.env["fulfilment.courier.log"]._store_detached(
                carrier, self, job["exchanges"]
            )
        if (
            job["token_store"].get() != job["initial_token"]
            and job["token_store"].get()
        ):
            carrier._fulfilment_client().token_store.set(*job["token_store"].get())
        if "error" in outcome:
            raise UserError(self._fulfilment_record_failure(outcome)[0])
        result = outcome["result"]
        if not recorded:
            self.env["fulfilment.shipment.attempt"]._write_detached(
                self.id, {"state": "sent", "awb": result.awb, "error": False}
            )
        price = self._fulfilment_company_price(result.price, result.currency)
        values = {
            "fulfilment_courier_price": price,
            "fulfilment_cod_amount": job["request"].cod_amount,
            "fulfilment_send_queued": False,
        }
        if isinstance(result.raw, dict) and result.raw.get("ParcelId"):
            values["fulfilment_parcel_id"] = str(result.raw["ParcelId"])
        if result.label:
            values["fulfilment_label_id"] = (
                self.env["ir.attachment"]
                .create(
                    {
                        "name": f"{carrier.name} {result.awb}.pdf",
                        "datas": base64.b64encode(result.label),
                        "mimetype": "application/pdf",
                        "res_model": "stock.picking",
                        "res_id": self.id,
                    }
                )
                .id
            )
        self.write(values)
        self._fulfilment_update_order_courier_cost()
        if outcome.get("recovered"):
            self._message_log(
                body=_(
                    "The courier had already created AWB %s in an earlier attempt "
                    "that got no answer: it is used, no second AWB was created.",
                    result.awb,
                )
            )
        if self.sale_id:
            self.sale_id._fulfilment_trigger_event(
                "awb_created", reason=_("AWB %s", result.awb)
            )
        return {
            "exact_price": result.price and price or carrier.fixed_price,
            "tracking_number": result.awb,
        }

    def _fulfilment_record_failure(self, outcome):
        """Keep the courier's refusal on the delivery; return the message."""
        self.ensure_one()
        carrier = self.carrier_id
        error = outcome["error"]
        if outcome.get("timeout"):
            message = _(
                "%(courier)s did not answer in time. The shipment may exist at the "
                "courier: sending again first looks it up, so no second AWB is "
                "created.",
                courier=carrier.name,
            )
            state = "unknown"
        else:
            message = _(
                "%(courier)s refused the shipment of %(picking)s: %(reason)s",
                courier=carrier.name,
                picking=self.name,
                reason=error.message,
            )
            state = "failed"
        if self.env.context.get("fulfilment_recorded") is None:
            self.env["fulfilment.shipment.attempt"]._write_detached(
                self.id, {"state": state, "error": message}
            )
        return message, {"state": state, "error": message}

    def _fulfilment_update_order_courier_cost(self):
        """The order's courier cost is what its AWBs cost (feeds the profit)."""
        for order in self.sale_id:
            order.fulfilment_courier_cost = sum(
                order.picking_ids.mapped("fulfilment_courier_price")
            )

    def _fulfilment_company_price(self, amount, currency_name):
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", currency_name or "RON")], limit=1)
        )
        company = self.company_id or self.env.company
        if not currency or currency == company.currency_id:
            return amount
        return currency._convert(
            amount, company.currency_id, company, fields.Date.today()
        )

    def _fulfilment_shipment_request(self, key):
        """The courier-neutral request of this delivery."""
        self.ensure_one()
        carrier = self.carrier_id
        partner = self.partner_id
        order = self.sale_id
        weight = self.shipping_weight or self._get_estimated_weight()
        street, _sep, number = (partner.street or "").rpartition(" ")
        if not street or not any(char.isdigit() for char in number):
            street, number = partner.street or "", ""
        return ShipmentRequest(
            reference=self.name,
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
                    weight=weight or carrier.fulfilment_default_weight or 1.0,
                    length=carrier.fulfilment_parcel_length,
                    width=carrier.fulfilment_parcel_width,
                    height=carrier.fulfilment_parcel_height,
                )
            ],
            service=carrier.fulfilment_service or "",
            pickup_point=carrier.fulfilment_pickup_point or "",
            declared_value=order.amount_untaxed if order else 0.0,
            currency=(order.currency_id or self.company_id.currency_id).name,
            cod_amount=self._fulfilment_cod_amount(),
            content=", ".join(self.move_ids.product_id.mapped("name"))[:120],
            observation=order.client_order_ref or "" if order else "",
            label_format=carrier.fulfilment_label_format or "A4",
            payer=carrier.fulfilment_payer or "sender",
        )

    def _fulfilment_cod_amount(self):
        """What the courier collects: the unpaid total of a cash-on-delivery order,
        on its first shipped parcel only."""
        self.ensure_one()
        order = self.sale_id
        if not order or not order.fulfilment_cash_on_delivery:
            return 0.0
        others = order.picking_ids - self
        if any(others.mapped("fulfilment_cod_amount")):
            return 0.0
        return order.currency_id.round(max(order.fulfilment_amount_due, 0.0))

    def _fulfilment_send_batch(self):
        """Send many deliveries: courier calls in parallel, bookkeeping in order.

        The rows are claimed and the attempts recorded for the whole batch at
        once (two short transactions of their own), then each delivery's answer
        is booked through Odoo's ``send_to_shipper``.

        :return: list of (picking, success, message)
        """
        results = []
        self.env.cr.execute(
            "SELECT id FROM stock_picking WHERE id IN %s FOR NO KEY UPDATE SKIP LOCKED",
            [tuple(self.ids)],
        )
        claimed = self.browse(row[0] for row in self.env.cr.fetchall())
        for picking in self - claimed:
            results.append(
                (
                    picking,
                    False,
                    _("%s is being sent to the courier right now.", picking.name),
                )
            )
        batch = {
            "attempts": {
                attempt.picking_id.id: attempt
                for attempt in self.env["fulfilment.shipment.attempt"]
                .sudo()
                .search([("picking_id", "in", claimed.ids)])
            },
            "sending": {},
            "tokens": {},
        }
        jobs = []
        for picking in claimed:
            try:
                jobs.append(picking._fulfilment_prepare_shipment(batch=batch))
            except UserError as exc:
                results.append((picking, False, exc.args[0]))
        self.env["fulfilment.shipment.attempt"]._write_detached_many(batch["sending"])
        with ThreadPoolExecutor(max_workers=BULK_CONCURRENCY) as pool:
            outcomes = list(pool.map(_call_courier, jobs))
        booked = {}
        for outcome in outcomes:
            job = outcome["job"]
            picking = self.browse(job["picking_id"])
            if "error" in outcome:
                message, booked[picking.id] = picking.with_context(
                    fulfilment_recorded=True
                )._fulfilment_record_failure(outcome)
                results.append((picking, False, message))
            else:
                booked[picking.id] = {
                    "state": "sent",
                    "awb": outcome["result"].awb,
                    "error": False,
                }
        self.env["fulfilment.courier.log"]._store_detached_many(
            [
                (
                    self.browse(o["job"]["picking_id"]).carrier_id,
                    self.browse(o["job"]["picking_id"]),
                    o["job"]["exchanges"],
                )
                for o in outcomes
            ]
        )
        self.env["fulfilment.shipment.attempt"]._write_detached_many(booked)
        for outcome in outcomes:
            if "error" in outcome:
                continue
            picking = self.browse(outcome["job"]["picking_id"])
            try:
                with self.env.cr.savepoint():
                    picking.with_context(
                        fulfilment_outcomes={picking.id: outcome},
                        fulfilment_recorded=True,
                    ).send_to_shipper()
            except UserError as exc:
                results.append((picking, False, exc.args[0]))
            else:
                results.append(
                    (picking, True, _("AWB %s created.", picking.carrier_tracking_ref))
                )
        return results

    def _fulfilment_cancel_awb(self):
        self.ensure_one()
        carrier = self.carrier_id
        exchanges = []
        client = carrier._fulfilment_client(
            on_exchange=lambda *args: exchanges.append(args)
        )
        try:
            if carrier.delivery_type == "gls":
                client.cancel(
                    self.carrier_tracking_ref, parcel_id=self.fulfilment_parcel_id
                )
            else:
                client.cancel(self.carrier_tracking_ref)
        except CourierError as exc:
            raise UserError(
                _(
                    "%(courier)s did not cancel %(awb)s: %(reason)s",
                    courier=carrier.name,
                    awb=self.carrier_tracking_ref,
                    reason=exc.message,
                )
            ) from exc
        finally:
            self.env["fulfilment.courier.log"]._store_detached(carrier, self, exchanges)
        self.env["fulfilment.shipment.attempt"]._write_detached(
            self.id, {"state": "cancelled", "error": False}
        )
        self.write({"fulfilment_courier_price": 0.0, "fulfilment_cod_amount": 0.0})
        self._fulfilment_update_order_courier_cost()

    # ------------------------------------------------------------
    # Tracking
    # ------------------------------------------------------------

    def _fulfilment_update_tracking(self):
        """Ask the couriers for the events of these deliveries, AWB by AWB.

        :return: whether every courier answered
        """
        complete = True
        events_model = self.env["fulfilment.tracking.event"]
        for carrier, pickings in (
            self.filtered(
                lambda p: p.carrier_tracking_ref and p.carrier_id.fulfilment_is_courier
            )
            .grouped("carrier_id")
            .items()
        ):
            exchanges = []
            client = carrier._fulfilment_client(
                on_exchange=lambda *args, log=exchanges: log.append(args)
            )
            for index in range(0, len(pickings), TRACKING_BATCH):
                batch = pickings[index : index + TRACKING_BATCH]
                by_awb = {picking.carrier_tracking_ref: picking for picking in batch}
                try:
                    tracked = client.track(list(by_awb))
                except CourierError as exc:
                    _logger.warning(
                        "Tracking at %s failed: %s", carrier.name, exc.message
                    )
                    complete = False
                    break
                events_model._store(
                    by_awb, [event for events in tracked.values() for event in events]
                )
            self.env["fulfilment.courier.log"]._store_detached(carrier, None, exchanges)
        return complete

    def _fulfilment_track_delta(self, carrier, since, until):
        """Events of these deliveries from the courier's change feed, in one pass.

        One request per window of the feed instead of one per AWB; events of
        deliveries outside ``self`` (finished, other shops) are ignored.

        :return: whether the courier answered
        """
        exchanges = []
        client = carrier._fulfilment_client(
            on_exchange=lambda *args: exchanges.append(args)
        )
        try:
            events = client.track_delta(
                since.replace(tzinfo=timezone.utc), until.replace(tzinfo=timezone.utc)
            )
        except CourierError as exc:
            _logger.warning("Tracking feed of %s failed: %s", carrier.name, exc.message)
            return False
        finally:
            self.env["fulfilment.courier.log"]._store_detached(carrier, None, exchanges)
        by_awb = {picking.carrier_tracking_ref: picking for picking in self}
        self.env["fulfilment.tracking.event"]._store(
            by_awb, [event for event in events if event.awb in by_awb]
        )
        return True

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
    def _cron_fulfilment_track_shipments(self):
        """Poll the couriers for the shipments still on their way.

        Couriers with a change feed are asked what changed since the last poll
        (with an overlap; known events are skipped); the others, and a feed
        left unread for too long, are asked AWB by AWB in batches. Each courier
        is committed on its own, so one courier failing delays nobody else.
        """
        testing = getattr(threading.current_thread(), "testing", False)
        pickings = self.search(self._fulfilment_active_shipments_domain())
        for carrier, carrier_pickings in pickings.grouped("carrier_id").items():
            started = fields.Datetime.now()
            synced = carrier.fulfilment_tracking_synced_at
            if (
                carrier._fulfilment_client_class().supports_delta
                and synced
                and synced >= started - TRACKING_DELTA_MAX_AGE
            ):
                complete = carrier_pickings._fulfilment_track_delta(
                    carrier, synced - TRACKING_DELTA_OVERLAP, started
                )
            else:
                complete = True
                for index in range(0, len(carrier_pickings), TRACKING_BATCH):
                    batch = carrier_pickings[index : index + TRACKING_BATCH]
                    complete = batch._fulfilment_update_tracking() and complete
                    if not testing:
                        self.env.cr.commit()
            if complete:
                carrier.sudo().fulfilment_tracking_synced_at = started
            if not testing:
                self.env.cr.commit()

    @api.model
    def _cron_fulfilment_send_queued(self):
        """Send the deliveries queued by a bulk action, in batches."""
        testing = getattr(threading.current_thread(), "testing", False)
        while True:
            batch = self.search(
                [("fulfilment_send_queued", "=", True)], limit=BULK_BATCH
            )
            if not batch:
                break
            results = batch._fulfilment_send_batch()
            failed = [(picking, message) for picking, ok, message in results if not ok]
            batch.write({"fulfilment_send_queued": False})
            for user, pickings in batch.grouped("fulfilment_queued_by_id").items():
                if not user:
                    continue
                refused = [
                    message for picking, message in failed if picking in pickings
                ]
                user.partner_id._bus_send(
                    "simple_notification",
                    {
                        "type": "warning" if refused else "success",
                        "title": _("Courier sending done"),
                        "message": _(
                            "%(sent)s sent, %(refused)s refused.",
                            sent=len(pickings) - len(refused),
                            refused=len(refused),
                        )
                        + ("\n" + "\n".join(refused[:10]) if refused else ""),
                        "sticky": bool(refused),
                    },
                )
            if not testing:
                self.env.cr.commit()
            else:
                break

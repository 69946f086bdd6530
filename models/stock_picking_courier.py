"""Courier fields and buttons of deliveries; the shipments are the carrier's
(``delivery.carrier``: delivery_carrier_shipment.py, delivery_carrier_tracking.py)."""

import base64

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.pdf import merge_pdf

from ..couriers.shipping import SENT
from .delivery_carrier_shipment import BULK_SYNC_LIMIT
from .fulfilment_courier_status import NORMALIZED_STATUSES
from .fulfilment_shipment_attempt import ATTEMPT_STATES


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
    fulfilment_label_pending = fields.Boolean(
        compute="_compute_fulfilment_attempt_id",
        string="Label Pending",
        help="The courier created the AWB but its label has not come yet: "
        "Retry Label asks for it again.",
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
    fulfilment_parcel_id = fields.Char(
        string="Courier Shipment ID",
        copy=False,
        readonly=True,
        help="The courier's own id of the shipment when it is not the AWB "
        "(GLS ParcelId): cancelling the AWB needs it.",
    )
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
    fulfilment_tracking_checked_at = fields.Datetime(
        string="Tracking Checked On",
        copy=False,
        readonly=True,
        help="When the courier last answered about this shipment.",
    )
    fulfilment_tracking_sweep = fields.Integer(
        copy=False,
        readonly=True,
        help="The last sweep of the tracking job that asked the courier about "
        "this shipment.",
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
            picking.fulfilment_label_pending = bool(
                attempt.state == SENT
                and picking.carrier_tracking_ref
                and not picking.fulfilment_label_id
            )

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
                _(
                    "AWB %s created, label attached.",
                    pickings.carrier_tracking_ref,
                )
                if pickings.fulfilment_label_id
                else _("AWB %s created.", pickings.carrier_tracking_ref)
            )
        if len(pickings) <= BULK_SYNC_LIMIT:
            results = self.env["delivery.carrier"]._fulfilment_send_batch(pickings)
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
        return pickings._fulfilment_queue_for_courier()

    def action_fulfilment_retry_label(self):
        """Ask the courier again for the labels that did not come with their AWB."""
        pending = self.filtered("fulfilment_label_pending")
        if not pending:
            raise UserError(_("No label is pending for the selected deliveries."))
        for picking in pending:
            picking.carrier_id._fulfilment_fetch_label(picking)
        return self._fulfilment_notify(
            _("%s label(s) received from the courier.", len(pending))
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
        """Cancel the AWB at the courier (Odoo's ``cancel_shipment``)."""
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
        """Ask the courier for the tracking events of these deliveries now."""
        self.env["delivery.carrier"]._fulfilment_track(self)

    def _fulfilment_notify(self, message, kind="success", sticky=False):
        """A short notification, then the screen reloaded to show what changed
        (the order or delivery form, the list)."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "message": message,
                "sticky": sticky,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
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
    # Booking an AWB in a batch: what Odoo's send_to_shipper does for one
    # ------------------------------------------------------------

    def _fulfilment_carrier_price(self, exact_price):
        """The delivery's shipping price for the carrier's ``exact_price``:
        free over the carrier's amount, then its margins (as Odoo's
        ``send_to_shipper`` computes ``carrier_price``)."""
        self.ensure_one()
        carrier, order = self.carrier_id, self.sale_id
        if carrier.free_over and order:
            amount = order._compute_amount_total_without_delivery()
            if (
                carrier._compute_currency(order, amount, "pricelist_to_company")
                >= carrier.amount
            ):
                exact_price = 0.0
        return carrier.with_context(order=order)._apply_margins(exact_price)

    def _fulfilment_set_tracking_ref(self, awb):
        """Put ``awb`` on the delivery and on the pickings chained to it
        (earlier and later steps of a multi-step route), as Odoo's
        ``send_to_shipper`` does."""
        self.ensure_one()
        related = self
        seen = previous = self.move_ids.move_orig_ids
        while previous:
            related |= previous.picking_id
            previous = previous.move_orig_ids - seen
            seen |= previous
        seen = following = self.move_ids.move_dest_ids
        while following:
            related |= following.picking_id
            following = following.move_dest_ids - seen
            seen |= following
        for picking in related:
            if not picking.carrier_tracking_ref:
                picking.carrier_tracking_ref = awb
            elif awb not in picking.carrier_tracking_ref:
                picking.carrier_tracking_ref += "," + awb

    def _fulfilment_booking_note(self, awb, has_label, recovered):
        """The chatter note of a delivery booked with ``awb``."""
        self.ensure_one()
        currency = self.sale_id.currency_id or self.company_id.currency_id
        note = (
            _(
                "Shipment sent to carrier %(carrier_name)s for shipping with tracking "
                "number %(ref)s",
                carrier_name=self.carrier_id.name,
                ref=self.carrier_tracking_ref,
            )
            + Markup("<br/>")
            + _(
                "Cost: %(price).2f %(currency)s",
                price=self.carrier_price,
                currency=currency.name,
            )
        )
        if not has_label:
            note += Markup("<br/>") + _(
                "AWB %s created; its label is pending: use Retry Label.", awb
            )
        if recovered:
            note += Markup("<br/>") + _(
                "The courier had already created AWB %s in an earlier attempt "
                "that got no answer: it is used, no second AWB was created.",
                awb,
            )
        return note

    def _fulfilment_update_order_courier_cost(self):
        """The order's courier cost is what its AWBs cost (feeds the profit)."""
        for order in self.sale_id:
            order.fulfilment_courier_cost = sum(
                order.picking_ids.mapped("fulfilment_courier_price")
            )

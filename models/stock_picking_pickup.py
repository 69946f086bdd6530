"""Click & collect: deliveries collected in store, ready notice with a
pickup code, handover against that code, reminders."""

import io
import secrets
from datetime import timedelta

import qrcode

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_duration

PICKUP_CODE_DIGITS = 6
PICKUP_REMINDER_BATCH = 200  # pickups reminded or escalated per scheduler run
DEFAULT_PICKUP_REMINDER_DAYS = 3


class StockPicking(models.Model):
    _inherit = "stock.picking"

    fulfilment_is_pickup = fields.Boolean(
        compute="_compute_fulfilment_is_pickup", string="Collected in Store"
    )
    fulfilment_pickup_code = fields.Char(
        string="Pickup Code",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The code the customer shows to collect the order (e-mail, SMS, QR).",
    )
    fulfilment_pickup_ready_date = fields.Datetime(
        string="Ready for Pickup Since", copy=False, readonly=True, index=True
    )
    fulfilment_pickup_reminded_date = fields.Datetime(
        string="Pickup Reminder Sent On", copy=False, readonly=True
    )
    fulfilment_pickup_escalated = fields.Boolean(
        string="Uncollected, Staff Notified", copy=False, readonly=True
    )

    @api.depends("carrier_id.delivery_type", "picking_type_code")
    def _compute_fulfilment_is_pickup(self):
        for picking in self:
            picking.fulfilment_is_pickup = (
                picking.carrier_id.delivery_type == "in_store"
                and picking.picking_type_code == "outgoing"
            )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_fulfilment_ready_for_pickup(self):
        """The parcels are packed at the store: give each a pickup code, tell
        the customer (e-mail with QR code, SMS) and move the order to its
        "ready for pickup" status."""
        for picking in self:
            picking._fulfilment_check_ready_for_pickup()
        for picking in self:
            picking.write(
                {
                    "fulfilment_pickup_code": picking._fulfilment_new_pickup_code(),
                    "fulfilment_pickup_ready_date": fields.Datetime.now(),
                    "fulfilment_pickup_reminded_date": False,
                    "fulfilment_pickup_escalated": False,
                }
            )
            picking.sale_id._fulfilment_trigger_event(
                "ready_for_pickup", reason=_("%s ready for pickup", picking.name)
            )
            picking._fulfilment_send_pickup_notice(
                "order_fulfilment.mail_template_pickup_ready"
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _(
                    "The customer was sent the pickup code of %s.",
                    ", ".join(self.mapped("name")),
                ),
                "sticky": False,
            },
        }

    def action_fulfilment_handover(self, code=None):
        """Hand the order over to the customer against the pickup code.

        Without a code, opens the window where it is typed or scanned (from
        the QR code of the customer's e-mail). With the right code, the
        delivery is validated and the order delivered; a wrong code changes
        nothing.
        """
        self.ensure_one()
        if code is None:
            return {
                "type": "ir.actions.act_window",
                "name": _("Hand Over"),
                "res_model": "fulfilment.pickup.handover",
                "view_mode": "form",
                "target": "new",
                "context": {"default_picking_id": self.id},
            }
        picking = self.sudo()
        if not picking.fulfilment_pickup_code:
            raise UserError(
                _("%s is not ready for pickup: mark it ready first.", self.name)
            )
        if picking.state in ("done", "cancel"):
            raise UserError(_("%s was already handed over or cancelled.", self.name))
        if (code or "").strip() != picking.fulfilment_pickup_code:
            raise UserError(
                _(
                    "Wrong pickup code for %s: nothing was handed over. Check the "
                    "code in the customer's e-mail or SMS.",
                    self.name,
                )
            )
        self._fulfilment_validate_handover()
        self.sale_id._fulfilment_trigger_event(
            "delivered", reason=_("%s handed over in store", self.name)
        )
        self._message_log(body=_("Handed over to the customer (pickup code checked)."))
        return True

    def fulfilment_scanner_ready_for_pickup(self):
        """ "Ready for pickup" from the picking screen; returns the header."""
        self.ensure_one()
        self._fulfilment_check_scanner_access()
        self.sudo().action_fulfilment_ready_for_pickup()
        return self._fulfilment_scanner_header()

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _fulfilment_check_ready_for_pickup(self):
        self.ensure_one()
        if not self.fulfilment_is_pickup:
            raise UserError(_("%s is not collected in store.", self.name))
        if self.state in ("done", "cancel"):
            raise UserError(_("%s is already done or cancelled.", self.name))
        if self.sudo().fulfilment_pickup_code:
            raise UserError(_("%s is already ready for pickup.", self.name))
        if not self._fulfilment_is_ready_to_complete():
            raise UserError(
                _(
                    "%s is not ready: every quantity must be reserved (picked) "
                    "before the customer is told to come.",
                    self.name,
                )
            )

    def _fulfilment_new_pickup_code(self):
        """A random code of six digits that no other open pickup uses."""
        for _attempt in range(50):
            code = f"{secrets.randbelow(10**PICKUP_CODE_DIGITS):0{PICKUP_CODE_DIGITS}d}"
            if not self.sudo().search_count(
                [
                    ("fulfilment_pickup_code", "=", code),
                    ("state", "not in", ("done", "cancel")),
                ],
                limit=1,
            ):
                return code
        raise UserError(_("No free pickup code was found; try again."))

    def _fulfilment_validate_handover(self):
        picking = self.sudo()
        open_moves = picking.move_ids.filtered(
            lambda move: move.state not in ("done", "cancel")
        )
        for move in open_moves:
            move.quantity = max(move.quantity, move.product_uom_qty)
        open_moves.picked = True
        picking.with_context(
            skip_backorder=True,
            picking_ids_not_to_backorder=picking.ids,
            skip_sms=True,
        ).button_validate()
        if picking.state != "done":
            raise UserError(
                _(
                    "%s could not be validated; validate it from the delivery to "
                    "see why.",
                    self.name,
                )
            )

    def _fulfilment_pickup_store(self):
        self.ensure_one()
        return self.picking_type_id.warehouse_id

    def _fulfilment_pickup_store_address(self):
        """The store's address on one line."""
        self.ensure_one()
        partner = self._fulfilment_pickup_store().partner_id
        return ", ".join(
            part.strip()
            for part in partner._display_address(without_company=True).split("\n")
            if part.strip()
        )

    def _fulfilment_pickup_opening_hours(self):
        """The store's opening hours, one line per day it opens."""
        self.ensure_one()
        calendar = self._fulfilment_pickup_store().opening_hours
        if not calendar:
            return []
        days = dict(
            self.env["resource.calendar.attendance"]
            ._fields["dayofweek"]
            ._description_selection(self.env)
        )
        by_day = {}
        for attendance in calendar.attendance_ids.sorted(
            lambda a: (int(a.dayofweek), a.hour_from)
        ):
            if attendance.day_period in ("morning", "afternoon", "full_day"):
                by_day.setdefault(attendance.dayofweek, []).append(
                    f"{format_duration(attendance.hour_from)}–"
                    f"{format_duration(attendance.hour_to)}"
                )
        return [f"{days[day]}: {', '.join(hours)}" for day, hours in by_day.items()]

    def _fulfilment_pickup_qr_png(self):
        """The pickup code as a QR code (PNG bytes): the store scans it."""
        self.ensure_one()
        image = qrcode.make(self.sudo().fulfilment_pickup_code, box_size=8, border=2)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()

    def _fulfilment_send_pickup_notice(self, template_xmlid):
        """E-mail (with the QR code) and SMS to the customer of the order."""
        self.ensure_one()
        order = self.sale_id
        if not order:
            return
        qr = self.env["ir.attachment"].create(
            {
                "name": _("Pickup code %s.png", order.name),
                "raw": self._fulfilment_pickup_qr_png(),
                "mimetype": "image/png",
                "res_model": "sale.order",
                "res_id": order.id,
            }
        )
        order.message_post_with_source(
            self.env.ref(template_xmlid),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=qr.ids,
        )
        self.env["sms.sms"]._fulfilment_queue_to_customers(
            order, body=self._fulfilment_pickup_sms_body()
        )

    def _fulfilment_pickup_sms_body(self):
        self.ensure_one()
        store = self._fulfilment_pickup_store()
        return _(
            "%(company)s: order %(order)s is ready for pickup at %(store)s, "
            "%(address)s. Pickup code: %(code)s.",
            company=self.company_id.name,
            order=self.sale_id.name,
            store=store.name,
            address=self._fulfilment_pickup_store_address(),
            code=self.sudo().fulfilment_pickup_code,
        )

    @api.model
    def _fulfilment_pickup_reminder_days(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("order_fulfilment.pickup_reminder_days")
        )
        try:
            return max(int(value), 1) if value else DEFAULT_PICKUP_REMINDER_DAYS
        except ValueError:
            return DEFAULT_PICKUP_REMINDER_DAYS

    # ------------------------------------------------------------
    # Scheduler
    # ------------------------------------------------------------

    @api.model
    def _cron_fulfilment_pickup_reminders(self):
        """Pickups waiting for N days get a reminder to the customer; N days
        after the reminder, an activity for the staff. One batch per run; the
        scheduler runs again while some are left."""
        days = self._fulfilment_pickup_reminder_days()
        limit = fields.Datetime.now() - timedelta(days=days)
        waiting = [
            ("fulfilment_pickup_code", "!=", False),
            ("state", "not in", ("done", "cancel")),
        ]
        to_remind_domain = waiting + [
            ("fulfilment_pickup_reminded_date", "=", False),
            ("fulfilment_pickup_ready_date", "<=", limit),
        ]
        to_escalate_domain = waiting + [
            ("fulfilment_pickup_escalated", "=", False),
            ("fulfilment_pickup_reminded_date", "<=", limit),
        ]
        pickings = self.sudo()
        to_remind = pickings.search(to_remind_domain, limit=PICKUP_REMINDER_BATCH)
        to_escalate = pickings.search(
            to_escalate_domain, limit=PICKUP_REMINDER_BATCH - len(to_remind)
        )
        for picking in to_remind:
            picking._fulfilment_send_pickup_notice(
                "order_fulfilment.mail_template_pickup_reminder"
            )
        to_remind.fulfilment_pickup_reminded_date = fields.Datetime.now()
        for picking in to_escalate:
            record = picking.sale_id or picking
            record.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Order not collected"),
                note=_(
                    "%(picking)s has waited in store since %(date)s and the "
                    "customer was reminded: call them.",
                    picking=picking.name,
                    date=fields.Date.to_string(picking.fulfilment_pickup_ready_date),
                ),
                user_id=(record.user_id or self.env.ref("base.user_admin")).id,
            )
        to_escalate.fulfilment_pickup_escalated = True
        remaining = pickings.search_count(to_remind_domain) + pickings.search_count(
            to_escalate_domain
        )
        self.env["ir.cron"]._notify_progress(
            done=len(to_remind) + len(to_escalate), remaining=remaining
        )

    # ------------------------------------------------------------
    # Picking screen
    # ------------------------------------------------------------

    def _fulfilment_scanner_header(self):
        header = super()._fulfilment_scanner_header()
        picking = self.sudo()
        header["pickup_ready"] = bool(
            picking.fulfilment_pickup_code and picking.state not in ("done", "cancel")
        )
        header["can_mark_pickup_ready"] = bool(
            picking.fulfilment_is_pickup
            and not picking.fulfilment_pickup_code
            and picking.state == "assigned"
        )
        return header

import logging

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

_logger = logging.getLogger(__name__)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # Status engine
    fulfilment_status_id = fields.Many2one(
        "fulfilment.status",
        string="Fulfilment Status",
        tracking=True,
        index=True,
        copy=False,
        ondelete="restrict",
        default=lambda self: self._default_fulfilment_status_id(),
        group_expand="_read_group_fulfilment_status_ids",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    fulfilment_status_color = fields.Integer(related="fulfilment_status_id.color")
    fulfilment_status_closed = fields.Boolean(related="fulfilment_status_id.is_closed")
    fulfilment_customer_status = fields.Char(
        compute="_compute_fulfilment_customer_status",
        string="Status for the Customer",
    )
    fulfilment_status_history_ids = fields.One2many(
        "fulfilment.status.history", "order_id", string="Status History", readonly=True
    )
    fulfilment_next_status_ids = fields.Many2many(
        "fulfilment.status",
        compute="_compute_fulfilment_next_status_ids",
        string="Possible Next Statuses",
    )

    # Audit trail: changes of addresses are tracked in the chatter.
    partner_invoice_id = fields.Many2one(tracking=True)
    partner_shipping_id = fields.Many2one(tracking=True)

    # ------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------

    @api.model
    def _default_fulfilment_status_id(self):
        return self.env["fulfilment.status"]._get_status_for_event(
            "created", self.env.company
        )

    @api.model
    def _read_group_fulfilment_status_ids(self, statuses, domain):
        # Show every active status as a kanban column, even empty ones.
        return statuses.search(
            [
                "|",
                ("company_id", "=", False),
                ("company_id", "in", self.env.companies.ids),
            ]
        )

    @api.depends("fulfilment_status_id.customer_label", "fulfilment_status_id.name")
    @api.depends_context("lang")
    def _compute_fulfilment_customer_status(self):
        for order in self:
            status = order.fulfilment_status_id
            order.fulfilment_customer_status = (
                status._get_customer_label() if status else ""
            )

    @api.depends("fulfilment_status_id", "company_id")
    def _compute_fulfilment_next_status_ids(self):
        all_statuses = self.env["fulfilment.status"].search([])
        for order in self:
            candidates = all_statuses.filtered(
                lambda s, order=order: (
                    not s.company_id or s.company_id == order.company_id
                )
            )
            current = order.fulfilment_status_id
            if current and current.next_status_ids:
                candidates &= current.next_status_ids | current
            order.fulfilment_next_status_ids = candidates

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # Lines created with their order are not "added": no audit entry.
        orders = super(
            SaleOrder, self.with_context(fulfilment_no_line_audit=True)
        ).create(vals_list)
        orders = orders.with_env(self.env)
        with_status = orders.filtered("fulfilment_status_id")
        if with_status:
            self.env["fulfilment.status.history"].sudo().create(
                [
                    {
                        "order_id": order.id,
                        "status_to_id": order.fulfilment_status_id.id,
                        "is_automatic": True,
                        "event": "created",
                    }
                    for order in with_status
                ]
            )
        return orders

    def write(self, vals):
        if "fulfilment_status_id" in vals and not self.env.context.get(
            "fulfilment_status_internal"
        ):
            # A status written directly (status bar, import, RPC) goes through
            # the engine so that it is checked, recorded and notified.
            vals = dict(vals)
            status = self.env["fulfilment.status"].browse(
                vals.pop("fulfilment_status_id")
            )
            result = super().write(vals) if vals else True
            self._fulfilment_set_status(
                status, reason=self.env.context.get("fulfilment_status_reason")
            )
            return result
        notes_before = {order: order.note for order in self} if "note" in vals else {}
        result = super().write(vals)
        for order, before in notes_before.items():
            if html2plaintext(before or "") != html2plaintext(order.note or ""):
                order._message_log(
                    body=Markup("%s<br/>%s")
                    % (
                        _("Terms and notes changed:"),
                        html2plaintext(order.note or "") or _("(empty)"),
                    )
                )
        return result

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_confirm(self):
        result = super().action_confirm()
        self._fulfilment_trigger_event("confirmed")
        return result

    def _action_cancel(self):
        result = super()._action_cancel()
        self._fulfilment_trigger_event("cancelled")
        return result

    def action_fulfilment_change_status(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Change Status"),
            "res_model": "fulfilment.status.change",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "sale.order", "active_ids": self.ids},
        }

    # ------------------------------------------------------------
    # Status engine
    # ------------------------------------------------------------

    def _fulfilment_check_transition(self, status):
        """Raise a UserError if an order of ``self`` may not move to ``status``."""
        for order in self:
            current = order.fulfilment_status_id
            if not current or current == status:
                continue
            if not current._allows_transition_to(status):
                raise UserError(
                    _(
                        "Order %(order)s cannot move from status “%(from)s” to "
                        "“%(to)s”: that transition is not allowed.",
                        order=order.name,
                        **{"from": current.name, "to": status.name},
                    )
                )
            if status.company_id and status.company_id != order.company_id:
                raise UserError(
                    _(
                        "Status “%(status)s” belongs to company %(company)s and "
                        "cannot be used for order %(order)s.",
                        status=status.name,
                        company=status.company_id.name,
                        order=order.name,
                    )
                )

    def _fulfilment_set_status(self, status, reason=None, event=None, check=True):
        """Move the orders to ``status``: check, record, notify.

        :param status: a ``fulfilment.status`` record
        :param reason: free text kept in the history
        :param event: technical name of the event for automatic changes
        :param check: refuse transitions the current status does not allow
        """
        status.ensure_one()
        orders = self.filtered(lambda o: o.fulfilment_status_id != status)
        if not orders:
            return
        if check:
            orders._fulfilment_check_transition(status)
        history_vals = [
            {
                "order_id": order.id,
                "status_from_id": order.fulfilment_status_id.id,
                "status_to_id": status.id,
                "reason": reason,
                "is_automatic": bool(event),
                "event": event,
            }
            for order in orders
        ]
        orders.with_context(fulfilment_status_internal=True).write(
            {"fulfilment_status_id": status.id}
        )
        self.env["fulfilment.status.history"].sudo().create(history_vals)
        orders._fulfilment_notify_customer(status)

    def _fulfilment_trigger_event(self, event, reason=None):
        """Report that ``event`` happened to the orders.

        Every feature calls this one method; the configuration decides which
        status, if any, the orders enter. An order whose current status does not
        allow the move keeps its status and gets a note explaining why.
        """
        Status = self.env["fulfilment.status"]
        event_label = dict(
            Status._fields["auto_event"]._description_selection(self.env)
        )
        for company, orders in self.grouped("company_id").items():
            status = Status._get_status_for_event(event, company)
            if not status:
                continue
            allowed = orders.filtered(
                lambda o, status=status: (
                    not o.fulfilment_status_id
                    or o.fulfilment_status_id._allows_transition_to(status)
                )
            )
            for order in orders - allowed:
                order._message_log(
                    body=_(
                        "Event “%(event)s” did not change the status: “%(from)s” does "
                        "not allow moving to “%(to)s”.",
                        event=event_label.get(event, event),
                        **{"from": order.fulfilment_status_id.name, "to": status.name},
                    )
                )
            allowed._fulfilment_set_status(
                status,
                reason=reason or event_label.get(event),
                event=event,
                check=False,
            )

    def _fulfilment_notify_customer(self, status):
        """Send the status's e-mail and SMS templates to the customers."""
        if status.mail_template_id:
            for order in self:
                order.message_post_with_source(
                    status.mail_template_id, subtype_xmlid="mail.mt_comment"
                )
        if status.sms_template_id:
            for order in self:
                order._message_sms_with_template(
                    template=status.sms_template_id,
                    partner_ids=order.partner_id.ids,
                    put_in_queue=True,
                )
            # Queued SMS leave after the transaction commits, so a failing
            # gateway never blocks or rolls back the status change.
            cron = self.env.ref(
                "sms.ir_cron_sms_scheduler_action", raise_if_not_found=False
            )
            if cron:
                cron.sudo()._trigger()

    def _fulfilment_is_paid(self):
        """Whether the customer has paid the whole order (online or by invoice)."""
        self.ensure_one()
        currency = self.currency_id
        if currency.is_zero(self.amount_total):
            return True
        transactions = self.transaction_ids.filtered(
            lambda tx: tx.state == "done" and tx.operation != "validation"
        )
        if (
            currency.compare_amounts(
                sum(transactions.mapped("amount")), self.amount_total
            )
            >= 0
        ):
            return True
        invoices = self.invoice_ids.filtered(
            lambda move: move.state == "posted" and move.move_type == "out_invoice"
        )
        return (
            bool(invoices)
            and all(move.payment_state in ("paid", "in_payment") for move in invoices)
            and currency.compare_amounts(
                sum(invoices.mapped("amount_total")), self.amount_total
            )
            >= 0
        )

    def _fulfilment_get_portal_timeline(self):
        """History entries shown to the customer, oldest first."""
        self.ensure_one()
        return self.sudo().fulfilment_status_history_ids.sorted(
            lambda h: (h.date, h.id)
        )

    # ------------------------------------------------------------
    # Mail thread
    # ------------------------------------------------------------

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "fulfilment_status_id" in init_values:
            return self.env.ref("order_fulfilment.mt_order_fulfilment_status")
        return super()._track_subtype(init_values)

    # ------------------------------------------------------------
    # Partial shipments
    # ------------------------------------------------------------

    def action_fulfilment_split_delivery(self):
        """Ship part of the order now and the rest later, line by line."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_fulfilment.fulfilment_delivery_split_action"
        )
        action["context"] = {"default_order_id": self.id}
        return action

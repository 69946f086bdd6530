from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import (
    SQL,
    html2plaintext,
)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # Status engine
    fulfilment_status_id = fields.Many2one(
        "fulfilment.status",
        tracking=True,
        index=True,
        copy=False,
        ondelete="restrict",
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
    def _read_group_fulfilment_status_ids(self, statuses, domain):
        # Show every active status as a kanban column, even empty ones.
        return statuses.search(
            [
                "|",
                ("company_id", "=", False),
                ("company_id", "in", self.env.companies.ids),
            ]
        )

    @api.model
    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        if field_name == "fulfilment_status_id" and query.groupby:
            # Groups of orders by status (kanban, list grouped by status) come
            # in the statuses' order. Odoo would join every order row to its
            # status before grouping; the position of the grouped value in the
            # ordered list of statuses is computed once per group instead, and
            # keeps the aggregation parallel.
            ordered = (
                self.env["fulfilment.status"]
                .sudo()
                .with_context(active_test=False)
                ._search([], order="sequence, id")
            )
            status = self._field_to_sql(alias, field_name, query)
            return SQL(
                "array_position(ARRAY(%s), %s) %s %s, %s %s %s",
                ordered.select(),
                status,
                direction,
                nulls,
                status,
                direction,
                nulls,
            )
        return super()._order_field_to_sql(alias, field_name, direction, nulls, query)

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
        all_statuses = self.env["fulfilment.status"].search(
            ["|", ("company_id", "=", False), ("company_id", "in", self.company_id.ids)]
        )
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
        # The status of the "created" event is resolved once per company for the
        # whole batch and written with the orders; the engine then records it.
        Status = self.env["fulfilment.status"]
        initial = {}
        for vals in vals_list:
            if vals.get("fulfilment_status_id"):
                continue
            company_id = vals.get("company_id") or self.env.company.id
            if company_id not in initial:
                initial[company_id] = Status._get_status_for_event(
                    "created", Status.env["res.company"].browse(company_id)
                ).id
            if initial[company_id]:
                vals["fulfilment_status_id"] = initial[company_id]
        # Lines created with their order are not "added": no audit entry.
        orders = super(
            SaleOrder, self.with_context(fulfilment_no_line_audit=True)
        ).create(vals_list)
        orders = orders.with_env(self.env)
        orders.filtered("fulfilment_status_id")._fulfilment_status_entered(
            {}, event="created"
        )
        return orders

    def write(self, vals):
        if "fulfilment_status_id" in vals:
            # A status written directly (status bar, import, RPC) is a manual
            # change: it goes through the engine to be checked, recorded and
            # notified.
            vals = dict(vals)
            status = self.env["fulfilment.status"].browse(
                vals.pop("fulfilment_status_id")
            )
            result = super().write(vals) if vals else True
            if status:
                self._fulfilment_set_status(status)
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
    #
    # Features report what happened with ``_fulfilment_trigger_event``; staff
    # move orders with ``_fulfilment_set_status``. The engine knows no feature:
    # features plug into it by overriding the hooks below and calling super():
    #
    # - ``_fulfilment_before_event(event)``: bookkeeping when an event happens
    #   (or staff enter a status bound to it), whether or not the status moves;
    # - ``_fulfilment_event_refusals(event, status)``: which orders an event
    #   may not move into ``status``, and why;
    # - ``_fulfilment_check_status_change(status)``: refuse a manual change
    #   with a UserError;
    # - ``_fulfilment_status_entered(previous, reason, event)``: what follows
    #   once the orders are in their new status (history, notifications).
    # ------------------------------------------------------------

    def _fulfilment_trigger_event(self, event, reason=None, strict=False):
        """Report that ``event`` happened to the orders.

        The configuration decides which status, if any, the orders enter.
        Progress never runs backwards by itself: an order already in a status
        of a later progress stage stays there. A move is refused when the
        current status does not allow it or when a feature holds it; the
        order then keeps its status and gets a note saying why.

        :param event: one of the events of ``fulfilment.status.auto_event``;
            any other value raises a ValueError
        :param reason: what the history records, the event's label by default
        :param strict: raise a UserError with the reasons when an order could
            not enter the event's status, instead of noting it
        :return: the orders that changed status
        """
        Status = self.env["fulfilment.status"]
        Status._check_event(event)
        if not self:
            return self
        # An event is what an action the user was allowed to do caused (a
        # delivery validated, an invoice paid): the engine applies it whatever
        # the user may read of the orders and statuses (a warehouse clerk may
        # read neither); the history and the chatter still name the user.
        orders = self.sudo()
        Status = Status.sudo()
        orders._fulfilment_before_event(event)
        event_label = Status._get_event_label(event)
        moved = orders.browse()
        refusals = {}
        for company, company_orders in orders.grouped("company_id").items():
            status = Status._get_status_for_event(event, company)
            if not status:
                continue
            # Orders already there, or further in the flow, stay where they are:
            # progress never runs backwards by itself.
            candidates = company_orders.filtered(
                lambda o, s=status: (
                    o.fulfilment_status_id != s
                    and not o.fulfilment_status_id._is_later_than(s)
                )
            )
            refused = candidates._fulfilment_event_refusals(event, status)
            if not strict:
                for order, why in refused.items():
                    order._message_log(
                        body=_(
                            "Event “%(event)s” did not change the status: %(why)s",
                            event=event_label,
                            why=why,
                        )
                    )
            refusals.update(refused)
            allowed = candidates.filtered(lambda o, r=refused: o not in r)
            allowed._fulfilment_set_status(
                status, reason=reason or event_label, event=event
            )
            moved |= allowed
        if strict and refusals:
            raise UserError(
                "\n".join(
                    _(
                        "Order %(order)s could not enter the status of the event "
                        "“%(event)s”: %(why)s",
                        order=order.name,
                        event=event_label,
                        why=why,
                    )
                    for order, why in refusals.items()
                )
            )
        return moved.with_env(self.env)

    def _fulfilment_set_status(self, status, reason=None, event=None):
        """Move the orders to ``status``: check, record, notify.

        Without ``event`` it is a manual change by the current user, checked
        by ``_fulfilment_check_status_change`` (allowed transitions, company,
        features' refusals); entering a status bound to an event also runs
        that event's bookkeeping (``_fulfilment_before_event``). With an event,
        the move was already decided by ``_fulfilment_trigger_event``.

        :param status: a ``fulfilment.status`` record
        :param reason: free text kept in the history
        :param event: technical name of the event for automatic changes
        """
        status.ensure_one()
        orders = self.filtered(lambda o: o.fulfilment_status_id != status)
        if not orders:
            return
        if not event:
            orders._fulfilment_check_status_change(status)
            if status.auto_event:
                orders._fulfilment_before_event(status.auto_event)
        previous = {order.id: order.fulfilment_status_id.id for order in orders}
        # The engine's own write, past the override of ``write`` above.
        super(SaleOrder, orders).write(  # pylint: disable=super-method-mismatch
            {"fulfilment_status_id": status.id}
        )
        orders._fulfilment_status_entered(previous, reason=reason, event=event)
        orders._fulfilment_log_tracking()

    def _fulfilment_log_tracking(self):
        """Log now, for many orders at once, the tracking messages Odoo posts
        one order at a time when the transaction commits (the changes of the
        tracked fields written so far: status, amounts...): one insert of the
        messages and one of their tracking values.

        Left to Odoo: the orders whose message someone is to be notified of
        (an employee following its subtype, the author aside) or whose
        tracking has a body or author of its own.
        """
        key = f"mail.tracking.{self._name}"
        pending = self.env.cr.precommit.data.get(key, {})
        orders = self.filtered(lambda order: pending.get(order.id))
        if len(orders) < 2:
            return
        bodies = self.env.cr.precommit.data.get(f"mail.tracking.message.{self._name}")
        authors = self.env.cr.precommit.data.get(f"mail.tracking.author.{self._name}")
        orders = orders.filtered(
            lambda order: (
                order.id not in (bodies or ()) and order.id not in (authors or ())
            )
        ).sudo()
        tracked = orders.fields_get(
            orders._track_get_fields(),
            attributes=("string", "type", "selection", "currency_field"),
        )
        author_id, email_from = orders._message_compute_author(raise_on_email=False)
        logs = {}
        for order in orders:
            changes, trackings = order._mail_track(tracked, pending[order.id])
            subtype = order._track_subtype(
                {name: pending[order.id][name] for name in changes}
            )
            logs[order] = (changes, trackings, subtype)
        for subtype in {subtype for _c, _t, subtype in logs.values() if subtype}:
            followed = orders.filtered(lambda order, s=subtype: logs[order][2] == s)
            recipients = self.env["mail.followers"]._get_recipient_data(
                followed, "notification", subtype.id
            )
            for order in followed:
                if any(
                    data["active"] is not False and partner_id != author_id
                    for partner_id, data in recipients.get(order.id, {}).items()
                ):
                    del logs[order]
        reply_to = orders._notify_get_reply_to(default=email_from)
        logged = [(order, log) for order, log in logs.items() if log[1]]
        messages = (
            self.env["mail.message"]
            .sudo()
            .create(
                [
                    {
                        "author_id": author_id,
                        "email_from": email_from,
                        "model": self._name,
                        "res_id": order.id,
                        "message_type": "notification",
                        "subtype_id": subtype.id
                        if subtype
                        else self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                        "is_internal": not subtype,
                        "body": "",
                        "reply_to": reply_to[order.id],
                        "email_add_signature": False,
                    }
                    for order, (_changes, _trackings, subtype) in logged
                ]
            )
        )
        self.env["mail.tracking.value"].sudo().create(
            [
                {**values, "mail_message_id": message.id}
                for (_order, (_changes, trackings, _s)), message in zip(
                    logged, messages, strict=True
                )
                for _command, _id, values in trackings
            ]
        )
        for order, (changes, _trackings, _subtype) in logs.items():
            del pending[order.id]
            order._message_track_post_template(changes)

    # Hooks --------------------------------------------------------

    def _fulfilment_before_event(self, event):
        """Hook: ``event`` happened to the orders (before any status moves).

        Features override it for their bookkeeping (paid date, overdue flags)
        and call super().
        """

    def _fulfilment_event_refusals(self, event, status):
        """Hook: the orders ``event`` may not move into ``status``.

        The engine refuses a transition the current status does not allow.
        Features add their own refusals and call super().

        :return: dict {order: translated reason}
        """
        refusals = {}
        for order in self:
            current = order.fulfilment_status_id
            if not current:
                continue
            if not current._allows_transition_to(status):
                refusals[order] = _(
                    "“%(from)s” does not allow moving to “%(to)s”.",
                    **{"from": current.name, "to": status.name},
                )
        return refusals

    def _fulfilment_check_status_change(self, status):
        """Hook: raise a UserError if staff may not move an order to ``status``.

        Manual changes are free within the allowed transitions, backwards
        too. Features add their own checks and call super().
        """
        for order in self:
            current = order.fulfilment_status_id
            if current and not current._allows_transition_to(status):
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

    def _fulfilment_status_entered(self, previous, reason=None, event=None):
        """Hook: the orders have just entered their current status.

        Records the history (one row per order, in one query) and notifies
        the customers.

        :param previous: {order id: id of the status it left}
        """
        self.env["fulfilment.status.history"].sudo().create(
            [
                {
                    "order_id": order.id,
                    "status_from_id": previous.get(order.id, False),
                    "status_to_id": order.fulfilment_status_id.id,
                    "reason": reason,
                    "is_automatic": bool(event),
                    "event": event,
                }
                for order in self
            ]
        )
        self._fulfilment_notify_customer()

    def _fulfilment_notify_customer(self):
        """Queue the e-mail and SMS of the status each order has just entered.

        They are rendered and sent right after the commit by the scheduler
        (``fulfilment.notification``), one message per order.
        """
        self.env["fulfilment.notification"]._queue(self)

    @api.model
    def _fulfilment_install_statuses(self):
        """Give the orders that have none the status of their state's event.

        Used when the addon is installed on a shop with existing orders: in
        SQL, one statement per company and state, so that hundreds of
        thousands of orders take seconds; the history records the status as
        given at installation. No customer is notified.
        """
        Status = self.env["fulfilment.status"]
        events = {"draft": "created", "sent": "created", "sale": "confirmed"}
        events["cancel"] = "cancelled"
        # The companies of the orders without a status.
        self.env.cr.execute(
            "SELECT DISTINCT company_id FROM sale_order"
            " WHERE fulfilment_status_id IS NULL AND company_id IS NOT NULL"
        )
        companies = self.env["res.company"].browse(
            company_id for (company_id,) in self.env.cr.fetchall()
        )
        for company in companies:
            for state, event in events.items():
                status = Status._get_status_for_event(event, company)
                if not status:
                    continue
                self.env.cr.execute(
                    """
                    UPDATE sale_order
                       SET fulfilment_status_id = %s
                     WHERE state = %s AND company_id = %s
                       AND fulfilment_status_id IS NULL
                    """,
                    [status.id, state, company.id],
                )
        self.env.cr.execute(
            """
            INSERT INTO fulfilment_status_history
                   (order_id, company_id, partner_id, status_to_id, user_id, date,
                    is_automatic, event, reason, create_uid, create_date, write_uid,
                    write_date)
            SELECT o.id, o.company_id, o.partner_id, o.fulfilment_status_id, %(uid)s,
                   COALESCE(o.date_order, o.create_date), TRUE, 'installed',
                   %(reason)s, %(uid)s, now() AT TIME ZONE 'UTC',
                   %(uid)s, now() AT TIME ZONE 'UTC'
              FROM sale_order o
             WHERE o.fulfilment_status_id IS NOT NULL
               AND NOT EXISTS (
                   SELECT 1 FROM fulfilment_status_history h WHERE h.order_id = o.id
               )
            """,
            {"uid": self.env.uid, "reason": "Status given at installation"},
        )
        self.invalidate_model(["fulfilment_status_id"])

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

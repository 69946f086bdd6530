"""Payment and delivery deadlines, overdue flags and auto-cancel of unpaid orders."""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    payment_deadline = fields.Datetime(
        compute="_compute_payment_deadline",
        store=True,
        index=True,
        help="Confirmation date plus the delay of the payment method.",
    )
    delivery_deadline = fields.Datetime(
        compute="_compute_delivery_deadline",
        store=True,
        index=True,
        help="The commitment date, else the confirmation date plus the carrier's "
        "delivery delay.",
    )
    is_payment_overdue = fields.Boolean(
        string="Payment Overdue", copy=False, readonly=True, index=True
    )
    is_delivery_overdue = fields.Boolean(
        string="Delivery Overdue", copy=False, readonly=True, index=True
    )
    # When the order was listed in the daily digest of overdue orders, per kind:
    # an order is listed once, the day it becomes overdue.
    fulfilment_payment_overdue_digest_date = fields.Datetime(
        string="Payment Overdue Reported On", copy=False, readonly=True
    )
    fulfilment_delivery_overdue_digest_date = fields.Datetime(
        string="Delivery Overdue Reported On", copy=False, readonly=True
    )

    @api.depends(
        "state",
        "date_order",
        "fulfilment_offline_payment_pending",
        "company_id.resource_calendar_id",
        "fulfilment_payment_policy_id.payment_delay",
        "fulfilment_payment_policy_id.payment_delay_unit",
        "fulfilment_payment_policy_id.is_cash_on_delivery",
        "fulfilment_cash_on_delivery",
    )
    def _compute_payment_deadline(self):
        working_days = {}
        for order in self:
            # Confirmed orders, and web quotations whose bank transfer is
            # pending; other quotations have no deadline and read nothing else.
            awaiting = order.state == "sale" or (
                order.state in ("draft", "sent")
                and order.fulfilment_offline_payment_pending
            )
            if not awaiting or not order.date_order:
                order.payment_deadline = False
                continue
            policy = order.fulfilment_payment_policy_id
            if (
                not policy.payment_delay
                or policy.is_cash_on_delivery
                # Paid to the courier on delivery: no deadline before it.
                or order.fulfilment_cash_on_delivery
            ):
                order.payment_deadline = False
            elif policy.payment_delay_unit == "hours":
                order.payment_deadline = order.date_order + timedelta(
                    hours=policy.payment_delay
                )
            else:
                working_days[order] = (order.date_order, policy.payment_delay)
        for order, deadline in self._fulfilment_add_working_days(working_days).items():
            order.payment_deadline = deadline

    @api.depends(
        "state",
        "date_order",
        "commitment_date",
        "company_id.resource_calendar_id",
        "carrier_id.fulfilment_delivery_days",
    )
    def _compute_delivery_deadline(self):
        working_days = {}
        for order in self:
            if order.state != "sale":
                order.delivery_deadline = False
            elif order.commitment_date:
                order.delivery_deadline = order.commitment_date
            elif order.carrier_id.fulfilment_delivery_days and order.date_order:
                working_days[order] = (
                    order.date_order,
                    order.carrier_id.fulfilment_delivery_days,
                )
            else:
                order.delivery_deadline = False
        for order, deadline in self._fulfilment_add_working_days(working_days).items():
            order.delivery_deadline = deadline

    @api.model
    def _fulfilment_add_working_days(self, starts):
        """Deadlines counted in working days on each company's calendar.

        :param starts: {order: (naive UTC start, number of working days)}
        :return: {order: naive UTC deadline}, the public holidays of the
            company's working calendar excluded
        """
        deadlines = {}
        by_company = {}
        for order, start in starts.items():
            by_company.setdefault(order.company_id, {})[order] = start
        for company, company_starts in by_company.items():
            calendar = (
                company.resource_calendar_id
                or self.env.company.resource_calendar_id
                or self.env.ref("resource.resource_calendar_std")
            )
            orders = list(company_starts)
            deadlines.update(
                zip(
                    orders,
                    calendar.sudo()._fulfilment_add_working_days(
                        [company_starts[order] for order in orders]
                    ),
                    strict=True,
                )
            )
        return deadlines

    # Deadlines ----------------------------------------------------

    def _fulfilment_before_event(self, event):
        # Paid or delivered orders are no longer overdue.
        result = super()._fulfilment_before_event(event)
        if event == "paid":
            self.filtered("is_payment_overdue")._fulfilment_clear_overdue("payment")
        elif event == "delivered":
            self.filtered("is_delivery_overdue")._fulfilment_clear_overdue("delivery")
        return result

    def _fulfilment_clear_overdue(self, kind):
        """Unflag ``kind`` (payment or delivery) and close the overdue activity."""
        if not self:
            return
        self.write({f"is_{kind}_overdue": False})
        self.activity_feedback(
            [f"order_fulfilment.mail_activity_type_{kind}_overdue"],
            feedback=_("Paid or cancelled")
            if kind == "payment"
            else _("Delivered or cancelled"),
        )

    def _fulfilment_flag_overdue(self, kind):
        """Flag ``kind`` overdue, give the salesperson (else the company's
        responsible for overdue orders) an activity, fire the event."""
        if not self:
            return
        # The flags are not tracked: skip preparing the tracking of the batch.
        self.with_context(tracking_disable=True).write({f"is_{kind}_overdue": True})
        activity_type = self.env.ref(
            f"order_fulfilment.mail_activity_type_{kind}_overdue"
        )
        model_id = self.env["ir.model"]._get_id("sale.order")
        today = fields.Date.context_today(self)
        responsibles = {
            order: order._fulfilment_overdue_responsible() for order in self
        }
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": order.id,
                    "activity_type_id": activity_type.id,
                    "summary": activity_type.summary or activity_type.name,
                    "user_id": user.id,
                    "date_deadline": today,
                    "automated": True,
                }
                for order, user in responsibles.items()
                if user
            ]
        )
        self._fulfilment_trigger_event(f"{kind}_overdue")

    def _fulfilment_overdue_responsible(self):
        """Who follows up the order when it is overdue: its salesperson, else
        the company's responsible for overdue orders, else the leader of the
        company's fulfilment team."""
        self.ensure_one()
        company = self.company_id
        return (
            self.user_id
            or company.fulfilment_overdue_user_id
            or company.fulfilment_overdue_team_id.user_id
            or company.fulfilment_overdue_team_id.member_ids[:1]
        )

    @api.model
    def _fulfilment_overdue_domain(self, kind, now):
        """Orders whose ``kind`` (payment or delivery) deadline has passed and
        that are not flagged yet. Delivered means the customer has the parcel
        (the "delivered" event), not that it left the warehouse."""
        if kind == "payment":
            # Confirmed orders and web quotations waiting for their transfer.
            return [
                ("payment_deadline", "<", now),
                ("fulfilment_payment_queued", "=", True),
                ("is_payment_overdue", "=", False),
            ]
        return [
            ("delivery_deadline", "<", now),
            ("state", "=", "sale"),
            ("is_delivery_overdue", "=", False),
            ("fulfilment_delivered_date", "=", False),
            ("fulfilment_status_id.is_closed", "=", False),
        ]

    @api.model
    def _cron_fulfilment_flag_overdue(self, batch_size=1000):
        """Flag the orders whose payment or delivery deadline has passed.

        Each run flags at most ``batch_size`` orders and reports its progress
        to the scheduler, which runs it again at once while some remain.
        Orders already flagged are skipped, so running it twice changes
        nothing. Orders paid, delivered or cancelled meanwhile are unflagged.
        """
        now = fields.Datetime.now()
        self.search(
            [
                ("is_payment_overdue", "=", True),
                ("fulfilment_payment_queued", "=", False),
            ]
        )._fulfilment_clear_overdue("payment")
        self.search(
            [
                ("is_delivery_overdue", "=", True),
                "|",
                ("fulfilment_delivered_date", "!=", False),
                ("state", "!=", "sale"),
            ]
        )._fulfilment_clear_overdue("delivery")
        done = 0
        for kind in ("payment", "delivery"):
            if done >= batch_size:
                break
            domain = self._fulfilment_overdue_domain(kind, now)
            orders = self.search(domain, limit=batch_size - done, order="id")
            orders._fulfilment_flag_overdue(kind)
            done += len(orders)
        remaining = sum(
            self.search_count(self._fulfilment_overdue_domain(kind, now))
            for kind in ("payment", "delivery")
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    # Daily digest of overdue orders ---------------------------------

    @api.model
    def _fulfilment_overdue_digest_domain(self, kind, companies):
        """Orders of ``companies`` overdue (``kind``: payment or delivery) and
        not reported in a digest yet."""
        return [
            ("company_id", "in", companies.ids),
            (f"is_{kind}_overdue", "=", True),
            (f"fulfilment_{kind}_overdue_digest_date", "=", False),
        ]

    @api.model
    def _cron_fulfilment_overdue_digest(self, batch_size=500):
        """E-mail each company's responsibles for overdue orders the orders that
        became overdue since the last digest.

        One e-mail per company and run, listing at most ``batch_size`` orders in
        all; each order is reported once per kind (the date is stored), so a
        second run the same day sends nothing. Companies without anyone to
        tell are skipped. Progress is reported to the scheduler, which runs the
        job again at once while orders remain.
        """
        companies = (
            self.env["res.company"]
            .search(
                [
                    "|",
                    ("fulfilment_overdue_user_id", "!=", False),
                    ("fulfilment_overdue_team_id", "!=", False),
                ]
            )
            .filtered(lambda company: company._fulfilment_overdue_digest_partners())
        )
        now = fields.Datetime.now()
        done = 0
        for company in companies:
            if done >= batch_size:
                break
            reported = {}
            for kind in ("payment", "delivery"):
                if done >= batch_size:
                    break
                orders = self.search(
                    self._fulfilment_overdue_digest_domain(kind, company),
                    limit=batch_size - done,
                    order="payment_deadline, id"
                    if kind == "payment"
                    else "delivery_deadline, id",
                )
                reported[kind] = orders
                done += len(orders)
            if any(reported.values()):
                company._fulfilment_send_overdue_digest(reported)
                for kind, orders in reported.items():
                    orders.write({f"fulfilment_{kind}_overdue_digest_date": now})
        remaining = sum(
            self.search_count(self._fulfilment_overdue_digest_domain(kind, companies))
            for kind in ("payment", "delivery")
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    # Auto-cancel --------------------------------------------------

    def _fulfilment_unpaid_cancellable(self):
        """Orders of ``self`` that may be cancelled for non-payment."""
        return self.filtered(
            lambda order: (
                order.state in ("draft", "sent", "sale")
                and not order.fulfilment_paid_date
                and order.delivery_status in (False, "pending")
                and not order._fulfilment_posted_invoices()
            )
        )

    def _fulfilment_cancel_unpaid(self):
        """Cancel unpaid orders: release their stock and e-mail the customer."""
        if not self:
            return
        self._action_cancel()
        template = self.env.ref("order_fulfilment.mail_template_order_cancelled_unpaid")
        for order in self:
            order.with_context(mail_create_nosubscribe=True).message_post_with_source(
                template, subtype_xmlid="mail.mt_comment"
            )

    def action_fulfilment_cancel_unpaid(self):
        """List action: cancel the selected unpaid orders."""
        refused = self - self._fulfilment_unpaid_cancellable()
        if refused:
            raise UserError(
                _(
                    "These orders are paid, shipped, invoiced or already cancelled and "
                    "cannot be cancelled as unpaid: %(orders)s",
                    orders=", ".join(refused.mapped("name")),
                )
            )
        self._fulfilment_cancel_unpaid()
        return True

    @api.model
    def _fulfilment_auto_cancel_domain(self, company, now):
        """Unpaid orders of ``company`` past its auto-cancel delay."""
        return [
            ("company_id", "=", company.id),
            # Confirmed orders and web quotations waiting for their transfer.
            ("fulfilment_payment_queued", "=", True),
            ("fulfilment_paid_date", "=", False),
            ("fulfilment_payment_policy_id.is_offline", "=", True),
            (
                "date_order",
                "<",
                now - timedelta(days=company.fulfilment_auto_cancel_days),
            ),
            ("delivery_status", "in", [False, "pending"]),
            (
                "order_line",
                "not any",
                [
                    (
                        "invoice_lines",
                        "any",
                        [
                            (
                                "move_id",
                                "any",
                                self._fulfilment_posted_invoice_domain(),
                            )
                        ],
                    )
                ],
            ),
        ]

    @api.model
    def _cron_fulfilment_auto_cancel(self, batch_size=200):
        """Cancel orders still unpaid after their company's delay (offline methods).

        Each run cancels at most ``batch_size`` orders and reports its progress
        to the scheduler, which runs it again at once while some remain.
        """
        now = fields.Datetime.now()
        done = remaining = 0
        for company in self.env["res.company"].search(
            [("fulfilment_auto_cancel", "=", True)]
        ):
            domain = self._fulfilment_auto_cancel_domain(company, now)
            if done < batch_size:
                orders = self.search(domain, limit=batch_size - done, order="id")
                orders._fulfilment_unpaid_cancellable()._fulfilment_cancel_unpaid()
                done += len(orders)
            remaining += self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

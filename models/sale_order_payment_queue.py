"""Payment queue: the orders awaiting money, and Mark as paid."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

# Odoo's own right to post invoices and register payments (Invoicing > Billing).
PAYMENT_REGISTRATION_GROUP = "account.group_account_invoice"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    fulfilment_offline_payment_pending = fields.Boolean(
        string="Offline Payment Pending",
        compute="_compute_fulfilment_payment_queue",
        store=True,
        help="The customer chose an offline method at checkout (bank transfer, "
        "cash on delivery...) and its transaction waits for the money.",
    )
    fulfilment_payment_queued = fields.Boolean(
        string="In Payment Queue",
        compute="_compute_fulfilment_payment_queue",
        store=True,
        index=True,
        help="Awaiting money: a confirmed order not paid yet, or a web quotation "
        "whose offline payment (bank transfer, cash on delivery) is pending.",
    )
    fulfilment_days_overdue = fields.Integer(
        string="Days Overdue",
        compute="_compute_fulfilment_days_overdue",
        help="Days since the payment deadline passed, for orders still unpaid.",
    )

    @api.depends(
        "state",
        "amount_total",
        "fulfilment_paid_date",
        "transaction_ids.state",
        "transaction_ids.amount",
        "transaction_ids.provider_id.code",
        "invoice_ids.state",
        "invoice_ids.payment_state",
        "invoice_ids.amount_total",
    )
    def _compute_fulfilment_payment_queue(self):
        for order in self:
            pending = any(
                tx.state == "pending" and tx.provider_id.code == "custom"
                for tx in order.transaction_ids
            )
            order.fulfilment_offline_payment_pending = pending
            awaiting = order.state == "sale" or (
                order.state in ("draft", "sent") and pending
            )
            order.fulfilment_payment_queued = (
                awaiting
                and not order.fulfilment_paid_date
                and not order._fulfilment_is_paid()
            )

    @api.depends("payment_deadline", "fulfilment_payment_queued")
    def _compute_fulfilment_days_overdue(self):
        today = fields.Date.context_today(self)
        for order in self:
            deadline = order.payment_deadline
            if order.fulfilment_payment_queued and deadline:
                late = (today - fields.Date.context_today(order, deadline)).days
                order.fulfilment_days_overdue = max(late, 0)
            else:
                order.fulfilment_days_overdue = 0

    # ------------------------------------------------------------
    # Status engine: "paid" is entered when money is recorded
    # ------------------------------------------------------------

    def _fulfilment_check_status_change(self, status):
        # A status entered on payment would, set by hand, pass an unpaid order
        # for paid (auto-cancel spares it, the customer is told it is paid).
        super()._fulfilment_check_status_change(status)
        if status.auto_event != "paid":
            return
        unpaid = self.filtered(
            lambda order: (
                not order.fulfilment_paid_date and not order._fulfilment_is_paid()
            )
        )
        if unpaid:
            raise UserError(
                _(
                    "%(orders)s cannot be moved to “%(status)s” by hand: no payment "
                    "is recorded. Use “Mark as Paid” (Sales > Fulfilment > Payment "
                    "Queue) to register the payment; the order then enters this "
                    "status by itself.",
                    orders=", ".join(unpaid.mapped("name")),
                    status=status.name,
                )
            )

    # ------------------------------------------------------------
    # Mark as paid
    # ------------------------------------------------------------

    @api.model
    def _fulfilment_check_payment_rights(self):
        """Registering payments takes Odoo's invoicing right, as its own
        Register Payment does."""
        if not self.env.user.has_group(PAYMENT_REGISTRATION_GROUP):
            raise AccessError(
                _(
                    "Marking orders as paid posts invoices and registers payments: "
                    "it takes the accounting right “Invoicing” (Billing or "
                    "Accountant)."
                )
            )

    def action_fulfilment_mark_paid(self):
        """Button and list action: ask the journal, date and reference of the
        payment, then mark the orders paid (``fulfilment.mark.paid``)."""
        self._fulfilment_check_payment_rights()
        if not self:
            raise UserError(_("Select the orders to mark as paid."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Mark as Paid"),
            "res_model": "fulfilment.mark.paid",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "sale.order", "active_ids": self.ids},
        }

    def _fulfilment_mark_paid_refusal(self, journal):
        """Why the order cannot be marked paid in ``journal``, or None."""
        self.ensure_one()
        if self.state == "cancel":
            return _("%s is cancelled.", self.name)
        if self.fulfilment_paid_date or self._fulfilment_is_paid():
            return _("%s is already paid.", self.name)
        if journal.company_id != self.company_id:
            return _(
                "%(order)s belongs to %(company)s; journal %(journal)s to another "
                "company.",
                order=self.name,
                company=self.company_id.name,
                journal=journal.name,
            )
        if self.currency_id.is_zero(self.amount_total):
            return _("%s has nothing to pay.", self.name)
        return None

    def _fulfilment_mark_paid(self, journal, date, reference):
        """Record that the customer paid the order in ``journal``.

        A quotation still waiting for its bank transfer is confirmed first.
        What is not invoiced yet is invoiced with Odoo's own invoicing (a down
        payment for what cannot be invoiced before delivery), the invoices are
        posted and an ``account.payment`` is registered for what they still
        owe and reconciled with them; the order then fires "paid".

        :return: the payments created
        :raise UserError: when the order cannot be marked paid
        """
        self.ensure_one()
        refusal = self._fulfilment_mark_paid_refusal(journal)
        if refusal:
            raise UserError(refusal)
        if self.state in ("draft", "sent"):
            self.action_confirm()
        invoices = self._fulfilment_invoice_what_is_left()
        drafts = invoices.filtered(lambda move: move.state == "draft")
        if drafts:
            drafts.action_post()
            if drafts.filtered(lambda move: move.state == "draft"):
                # The loss guard holds the posting until a manager approves.
                raise UserError(
                    _(
                        "The invoice of %s could not be posted (it waits for a "
                        "manager's approval of the loss).",
                        self.name,
                    )
                )
        open_invoices = self._fulfilment_posted_invoices().filtered(
            lambda move: not move.currency_id.is_zero(move.amount_residual)
        )
        if not open_invoices:
            raise UserError(_("The invoices of %s owe nothing.", self.name))
        payments = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=open_invoices.ids)
            .create(
                {
                    "journal_id": journal.id,
                    "payment_date": date,
                    "communication": reference or self.name,
                    "group_payment": True,
                }
            )
            ._create_payments()
        )
        if self._fulfilment_is_paid():
            self._fulfilment_confirm_offline_transactions(payments)
            self._fulfilment_trigger_event("paid")
        return payments

    def _fulfilment_confirm_offline_transactions(self, payments):
        """Confirm the transactions still waiting for the money the order was
        just paid with: cash on delivery or a bank transfer chosen at checkout
        (Odoo's "custom" providers), tied to the payment registered, so that
        Odoo does not create another one when it post-processes them."""
        self.ensure_one()
        waiting = self.sudo().transaction_ids.filtered(
            lambda tx: (
                tx.provider_id.code == "custom"
                and tx.state in ("draft", "pending")
                and tx.operation != "validation"
            )
        )
        if not waiting:
            return
        waiting.payment_id = payments[:1]
        done = waiting._set_done(
            state_message=_("Paid: %s", ", ".join(payments.mapped("name")))
        )
        # The payment is registered and reconciled already: nothing is left
        # for Odoo's post-processing (no second payment, no second e-mail).
        done.is_post_processed = True

    def _fulfilment_invoice_what_is_left(self):
        """Invoice what the order has not invoiced yet; return its open
        (draft or posted) customer invoices."""
        self.ensure_one()
        if self.invoice_status == "to invoice":
            self._create_invoices(final=True)
        drafts = self.invoice_ids.filtered(
            lambda move: move.state == "draft" and move.move_type == "out_invoice"
        )
        left = (
            self.amount_total
            - self.amount_invoiced
            - sum(drafts.mapped("amount_total"))
        )
        if self.currency_id.compare_amounts(left, 0) > 0:
            # Lines invoiced on delivery cannot be invoiced before it: the money
            # received is invoiced as a down payment, deducted later.
            wizard = (
                self.env["sale.advance.payment.inv"]
                .with_context(active_model="sale.order", active_ids=self.ids)
                .create(
                    {
                        "advance_payment_method": "fixed",
                        "fixed_amount": left,
                        "sale_order_ids": [fields.Command.set(self.ids)],
                    }
                )
            )
            wizard._create_invoices(self)
        return self.invoice_ids.filtered(
            lambda move: move.move_type == "out_invoice" and move.state != "cancel"
        )

"""Payment of the order: method, fees and deadline policy, paid or not."""

from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    fulfilment_payment_method_id = fields.Many2one(
        "payment.method",
        string="Payment Method",
        compute="_compute_fulfilment_payment_method_id",
        store=True,
        readonly=False,
        index=True,
        copy=False,
        help="Taken from the order's online payment; set it by hand for orders "
        "paid otherwise (bank transfer, cash on delivery).",
    )
    fulfilment_payment_policy_id = fields.Many2one(
        "fulfilment.payment.policy",
        string="Payment Fees and Deadline",
        compute="_compute_fulfilment_payment_policy_id",
        store=True,
        index=True,
    )
    fulfilment_paid_date = fields.Datetime(
        string="Paid On", copy=False, readonly=True, index=True
    )

    @api.depends("transaction_ids.payment_method_id", "transaction_ids.state")
    def _compute_fulfilment_payment_method_id(self):
        for order in self:
            transactions = order.transaction_ids.filtered(
                lambda tx: tx.payment_method_id and tx.state != "error"
            )
            if transactions:
                order.fulfilment_payment_method_id = transactions.sorted("id")[
                    -1
                ].payment_method_id
            else:
                order.fulfilment_payment_method_id = order.fulfilment_payment_method_id

    @api.depends("fulfilment_payment_method_id", "company_id")
    def _compute_fulfilment_payment_policy_id(self):
        methods = self.fulfilment_payment_method_id
        policies = self.env["fulfilment.payment.policy"].sudo()
        if methods:
            policies = policies.search(
                [
                    ("payment_method_id", "in", methods.ids),
                    ("company_id", "in", self.company_id.ids),
                ]
            )
        by_key = {
            (policy.payment_method_id.id, policy.company_id.id): policy.id
            for policy in policies
        }
        for order in self:
            order.fulfilment_payment_policy_id = by_key.get(
                (order.fulfilment_payment_method_id.id, order.company_id.id), False
            )

    def _fulfilment_before_event(self, event):
        # The first "paid" event dates the payment (auto-cancel spares the order).
        result = super()._fulfilment_before_event(event)
        if event == "paid":
            self.filtered(lambda order: not order.fulfilment_paid_date).write(
                {"fulfilment_paid_date": fields.Datetime.now()}
            )
        return result

    @api.model
    def _fulfilment_posted_invoice_domain(self):
        """Domain of the posted customer invoices (``account.move``): no
        draft or cancelled invoice, no credit note."""
        return [("state", "=", "posted"), ("move_type", "=", "out_invoice")]

    def _fulfilment_posted_invoices(self):
        """The posted customer invoices of the orders."""
        return self.invoice_ids.filtered_domain(
            self._fulfilment_posted_invoice_domain()
        )

    def _fulfilment_is_paid(self):
        """Whether the customer has paid the whole order (online or by invoice)."""
        self.ensure_one()
        currency = self.currency_id
        if currency.is_zero(self.amount_total):
            return True
        transactions = self.transaction_ids._fulfilment_paid_transactions()
        if (
            currency.compare_amounts(
                sum(transactions.mapped("amount")), self.amount_total
            )
            >= 0
        ):
            return True
        invoices = self._fulfilment_posted_invoices()
        return (
            bool(invoices)
            and all(move.payment_state in ("paid", "in_payment") for move in invoices)
            and currency.compare_amounts(
                sum(invoices.mapped("amount_total")), self.amount_total
            )
            >= 0
        )

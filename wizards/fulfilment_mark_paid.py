from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class FulfilmentMarkPaid(models.TransientModel):
    """Record the payments the customers made outside the shop (bank transfer,
    cash): one payment per order, in the journal the money arrived in."""

    _name = "fulfilment.mark.paid"
    _description = "Mark Orders as Paid"

    order_ids = fields.Many2many("sale.order", required=True, readonly=True)
    order_count = fields.Integer(compute="_compute_order_count")
    company_id = fields.Many2one("res.company", compute="_compute_company_id")
    journal_id = fields.Many2one(
        "account.journal",
        required=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        compute="_compute_journal_id",
        store=True,
        readonly=False,
        precompute=True,
        help="Where the money arrived: the bank account or the cash desk.",
    )
    statement_line_id = fields.Many2one(
        "account.bank.statement.line",
        string="Bank Statement Line",
        domain="[('journal_id', '=', journal_id), ('is_reconciled', '=', False), "
        "('amount', '>', 0)]",
        help="The line of the bank statement that shows the transfer: its "
        "reference and date are used.",
    )
    payment_date = fields.Date(required=True, default=fields.Date.context_today)
    reference = fields.Char(
        help="The reference of the transfer (bank statement, receipt number). "
        "Empty: the order number.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if (
            "order_ids" in fields_list
            and self.env.context.get("active_model") == "sale.order"
        ):
            values["order_ids"] = [
                fields.Command.set(self.env.context.get("active_ids") or [])
            ]
        return values

    @api.depends("order_ids")
    def _compute_order_count(self):
        for wizard in self:
            wizard.order_count = len(wizard.order_ids)

    @api.depends("order_ids")
    def _compute_company_id(self):
        for wizard in self:
            wizard.company_id = wizard.order_ids.company_id[:1] or self.env.company

    @api.depends("company_id")
    def _compute_journal_id(self):
        for wizard in self:
            if wizard.journal_id.company_id == wizard.company_id:
                continue
            wizard.journal_id = self.env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", wizard.company_id.id)],
                limit=1,
            )

    @api.onchange("statement_line_id")
    def _onchange_statement_line_id(self):
        line = self.statement_line_id
        if line:
            self.reference = line.payment_ref
            self.payment_date = line.date

    @api.constrains("statement_line_id", "journal_id")
    def _check_statement_line_journal(self):
        for wizard in self:
            line = wizard.statement_line_id
            if line and line.journal_id != wizard.journal_id:
                raise ValidationError(
                    _(
                        "The bank statement line belongs to journal %(line)s, not "
                        "to %(journal)s.",
                        line=line.journal_id.name,
                        journal=wizard.journal_id.name,
                    )
                )

    def action_mark_paid(self):
        """Mark each order paid in its own savepoint: an order refused or failing
        leaves the others done. Shows the result per order."""
        self.ensure_one()
        self.env["sale.order"]._fulfilment_check_payment_rights()
        reference = self.reference or (
            self.statement_line_id and self.statement_line_id.payment_ref
        )
        results = []
        for order in self.order_ids:
            try:
                with self.env.cr.savepoint():
                    payments = order._fulfilment_mark_paid(
                        self.journal_id, self.payment_date, reference
                    )
            except (UserError, ValidationError, AccessError) as error:
                results.append((order, False, str(error.args[0])))
                continue
            results.append(
                (
                    order,
                    True,
                    _(
                        "Paid: %(payments)s",
                        payments=", ".join(payments.mapped("name")),
                    ),
                )
            )
        return self.env["fulfilment.batch.result"]._open(
            results,
            _("Mark as Paid"),
            success_summary=_("order(s) marked as paid."),
            refused_summary=_("order(s) not marked as paid; the reasons are below."),
        )

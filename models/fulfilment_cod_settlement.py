"""Cash-on-delivery settlement: the courier's repayment report, matched to the
deliveries by AWB, and the payments it settles."""

import base64
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from ..couriers import CourierError
from ..couriers.cod_report import parse_report_file


class FulfilmentCodSettlement(models.Model):
    """One repayment report of a courier: the COD amounts it collected from the
    customers and transferred back to the shop, one line per AWB.

    Importing reads the report (the courier's API over a date range, or the
    file exported from its portal) and matches each AWB to its delivery and
    order; registering pays the matched orders (``sale.order._fulfilment_mark_paid``:
    invoice, post, ``account.payment`` reconciled, "paid" event). An AWB is paid
    once, whatever the number of imports of the same report.
    """

    _name = "fulfilment.cod.settlement"
    _description = "COD Settlement"
    _inherit = ["mail.thread"]
    _order = "id desc"

    # Report
    name = fields.Char(
        string="Reference",
        compute="_compute_name",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        help="The courier's reference of the transfer, or what identifies the "
        "report. Used as the memo of the payments.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    carrier_id = fields.Many2one(
        "delivery.carrier",
        string="Courier",
        required=True,
        tracking=True,
        domain="[('fulfilment_collects_cash', '=', True), "
        "('company_id', 'in', [company_id, False])]",
    )
    source = fields.Selection(
        [("api", "Courier API"), ("file", "File (CSV / XLSX)")],
        compute="_compute_source",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    carrier_has_api = fields.Boolean(related="carrier_id.fulfilment_cod_report_api")
    date_from = fields.Date(
        string="Transferred From",
        default=lambda self: fields.Date.context_today(self) - timedelta(days=7),
    )
    date_to = fields.Date(string="Transferred Until", default=fields.Date.context_today)
    report_file = fields.Binary(attachment=True)
    report_filename = fields.Char()
    state = fields.Selection(
        [("draft", "Draft"), ("imported", "To Settle"), ("done", "Settled")],
        default="draft",
        required=True,
        tracking=True,
    )
    note = fields.Text(readonly=True)

    # Payment
    journal_id = fields.Many2one(
        "account.journal",
        compute="_compute_journal_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        help="The bank account the courier's transfer arrived in.",
    )
    payment_date = fields.Date(
        help="Date of the payments: the courier's transfer date from the report "
        "when it gives one.",
    )

    # Lines
    line_ids = fields.One2many(
        "fulfilment.cod.settlement.line", "settlement_id", string="Lines"
    )
    line_count = fields.Integer(compute="_compute_totals", string="AWBs")
    matched_count = fields.Integer(compute="_compute_totals", string="To Pay")
    paid_count = fields.Integer(compute="_compute_totals", string="Paid")
    problem_count = fields.Integer(
        compute="_compute_totals",
        string="To Check",
        help="Lines not paid: AWB unknown, amount different from what the order "
        "owes, registration refused.",
    )
    amount_total = fields.Monetary(compute="_compute_totals", string="Reported")
    amount_paid = fields.Monetary(compute="_compute_totals")

    @api.depends("carrier_id", "date_from", "date_to", "report_filename", "source")
    def _compute_name(self):
        for settlement in self:
            if settlement.state != "draft" and settlement.name:
                continue
            if settlement.source == "file" and settlement.report_filename:
                settlement.name = settlement.report_filename
            elif settlement.source == "file" and settlement.carrier_id:
                settlement.name = _("%s repayment report", settlement.carrier_id.name)
            elif settlement.carrier_id and settlement.date_from:
                settlement.name = _(
                    "%(courier)s %(date_from)s – %(date_to)s",
                    courier=settlement.carrier_id.name,
                    date_from=settlement.date_from,
                    date_to=settlement.date_to or settlement.date_from,
                )
            else:
                settlement.name = settlement.name or _("New")

    @api.depends("carrier_id")
    def _compute_source(self):
        for settlement in self:
            settlement.source = (
                "api" if settlement.carrier_id.fulfilment_cod_report_api else "file"
            )

    @api.depends("company_id")
    def _compute_journal_id(self):
        for settlement in self:
            if settlement.journal_id.company_id == settlement.company_id:
                continue
            settlement.journal_id = self.env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", settlement.company_id.id)],
                limit=1,
            )

    @api.depends("line_ids.state", "line_ids.amount")
    def _compute_totals(self):
        for settlement in self:
            lines = settlement.line_ids
            paid = lines.filtered(lambda line: line.state == "paid")
            settlement.line_count = len(lines)
            settlement.matched_count = len(
                lines.filtered(lambda line: line.state == "matched")
            )
            settlement.paid_count = len(paid)
            settlement.problem_count = len(lines.filtered("is_problem"))
            settlement.amount_total = sum(lines.mapped("amount"))
            settlement.amount_paid = sum(paid.mapped("amount"))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_paid(self):
        if self.line_ids.filtered(lambda line: line.state == "paid"):
            raise UserError(
                _("A settlement whose payments are registered cannot be deleted.")
            )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_import(self):
        """Read the report (API or file) and match its AWBs. Lines not paid yet
        are replaced: importing again after a correction is harmless."""
        self.ensure_one()
        self.env["sale.order"]._fulfilment_check_payment_rights()
        repayments, left_out = self._fulfilment_read_report()
        paid = self.line_ids.filtered(lambda line: line.state == "paid")
        repayments = [r for r in repayments if r.awb.strip() not in paid.mapped("awb")]
        (self.line_ids - paid).unlink()
        self.env["fulfilment.cod.settlement.line"].create(
            [self._prepare_line_vals(repayment) for repayment in repayments]
        )
        dates = [r.transferred_on for r in repayments if r.transferred_on]
        references = {r.transfer_reference for r in repayments} - {""}
        values = {
            "state": "imported",
            "payment_date": self.payment_date
            or (max(dates) if dates else fields.Date.context_today(self)),
            "note": _(
                "%s AWB(s) collected by the courier but not transferred yet were "
                "left out: they come with a later report.",
                left_out,
            )
            if left_out
            else False,
        }
        if len(references) == 1 and self.source == "api":
            values["name"] = _(
                "%(courier)s transfer %(reference)s",
                courier=self.carrier_id.name,
                reference=references.pop(),
            )
        self.write(values)
        self.line_ids._fulfilment_match()
        return True

    def action_match(self):
        """Match again the lines not paid (an AWB entered since, an order paid
        otherwise)."""
        self.ensure_one()
        self.line_ids._fulfilment_match()
        return True

    def action_register_payments(self):
        """Pay the orders of the matched lines, each in its own savepoint: a
        refused one leaves the others paid and says why."""
        self.ensure_one()
        self.env["sale.order"]._fulfilment_check_payment_rights()
        if not self.journal_id:
            raise UserError(_("Choose the journal the courier's transfer arrived in."))
        # Match again first: an order may have been paid since the import.
        self.line_ids._fulfilment_match()
        lines = self.line_ids.filtered(lambda line: line.state == "matched")
        if not lines:
            raise UserError(_("No line is ready to be paid."))
        for line in lines:
            line._fulfilment_register_payment()
        paid = lines.filtered(lambda line: line.state == "paid")
        if not self.line_ids.filtered(lambda line: line.state == "matched"):
            self.state = "done"
        self.message_post(
            body=_(
                "%(paid)s order(s) paid for %(amount)s; %(problems)s line(s) to check.",
                paid=len(paid),
                amount=format_amount(
                    self.env, sum(paid.mapped("amount")), self.currency_id
                ),
                problems=self.problem_count,
            )
        )
        return True

    def action_view_orders(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Orders"),
            "res_model": "sale.order",
            "view_mode": "list,form",
            "domain": [("id", "in", self.line_ids.order_id.ids)],
        }

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _fulfilment_read_report(self):
        """The report's transferred repayments, and how many it lists that are
        collected but not transferred yet.

        :return: (list of CodRepayment, int)
        :raise UserError: nothing to read, or the report is unreadable
        """
        self.ensure_one()
        if self.source == "api":
            if not (self.date_from and self.date_to) or self.date_from > self.date_to:
                raise UserError(_("Give the dates of the transfers to import."))
            repayments = self.carrier_id._fulfilment_cod_repayments(
                self.date_from, self.date_to
            )
        else:
            if not self.report_file:
                raise UserError(
                    _("Upload the repayment report exported from the courier.")
                )
            try:
                repayments = parse_report_file(
                    base64.b64decode(self.report_file), self.report_filename or ""
                )
            except CourierError as exc:
                raise UserError(
                    _("The report cannot be read: %s", exc.message)
                ) from exc
        repayments = [r for r in repayments if r.awb]
        if not repayments:
            raise UserError(_("The report lists no AWB."))
        transferred = [
            r for r in repayments if r.transferred_on or self.source == "file"
        ]
        return transferred, len(repayments) - len(transferred)

    def _prepare_line_vals(self, repayment):
        """Values of the line of one ``CodRepayment``."""
        return {
            "settlement_id": self.id,
            "awb": repayment.awb.strip(),
            "amount": repayment.amount,
            "transferred_on": repayment.transferred_on,
            "collected_on": repayment.collected_on,
            "transfer_reference": repayment.transfer_reference,
            "client_reference": repayment.client_reference,
            "recipient": repayment.recipient,
        }

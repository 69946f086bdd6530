"""One AWB of a COD settlement: the amount the courier paid back for it, the
delivery and order it belongs to, and the payment registered."""

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_amount

# States of a line that still need someone's attention.
PROBLEM_STATES = ("unmatched", "mismatch", "failed")


class FulfilmentCodSettlementLine(models.Model):
    _name = "fulfilment.cod.settlement.line"
    _description = "COD Settlement Line"
    _order = "settlement_id, sequence, id"

    settlement_id = fields.Many2one(
        "fulfilment.cod.settlement", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    carrier_id = fields.Many2one(
        related="settlement_id.carrier_id", store=True, index=True
    )
    company_id = fields.Many2one(related="settlement_id.company_id", store=True)
    currency_id = fields.Many2one(related="settlement_id.currency_id")

    # What the courier reports
    awb = fields.Char(string="AWB", required=True, index=True)
    amount = fields.Monetary(string="Transferred", required=True)
    transferred_on = fields.Date()
    collected_on = fields.Date()
    transfer_reference = fields.Char()
    client_reference = fields.Char(string="Shop Reference")
    recipient = fields.Char()

    # What it matches
    picking_id = fields.Many2one("stock.picking", string="Delivery", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True, index=True)
    expected_amount = fields.Monetary(
        string="Owed",
        readonly=True,
        help="What the order still owed when the line was matched.",
    )
    difference = fields.Monetary(compute="_compute_difference")
    state = fields.Selection(
        [
            ("unmatched", "Not Matched"),
            ("mismatch", "Amount Differs"),
            ("already_paid", "Already Paid"),
            ("settled", "Settled Before"),
            ("matched", "To Pay"),
            ("paid", "Paid"),
            ("failed", "Refused"),
        ],
        default="unmatched",
        required=True,
        readonly=True,
        index=True,
    )
    is_problem = fields.Boolean(compute="_compute_is_problem")
    message = fields.Char(readonly=True)
    payment_ids = fields.Many2many(
        "account.payment", string="Payments", readonly=True, copy=False
    )

    def init(self):
        # An AWB is paid once per courier, whatever the imports: the database
        # itself refuses a second paid line (concurrent registrations included).
        self.env.cr.execute(
            """CREATE UNIQUE INDEX IF NOT EXISTS
                   fulfilment_cod_settlement_line_paid_awb_uniq
                   ON fulfilment_cod_settlement_line (carrier_id, awb)
                WHERE state = 'paid'"""
        )

    @api.depends("amount", "expected_amount", "order_id")
    def _compute_difference(self):
        for line in self:
            line.difference = (
                line.amount - line.expected_amount if line.order_id else 0.0
            )

    @api.depends("state")
    def _compute_is_problem(self):
        for line in self:
            line.is_problem = line.state in PROBLEM_STATES

    @api.ondelete(at_uninstall=False)
    def _unlink_except_paid(self):
        if self.filtered(lambda line: line.state == "paid"):
            raise UserError(_("A paid settlement line cannot be deleted."))

    # ------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------

    def _fulfilment_match(self):
        """Find the delivery and order of each line not paid yet, and say
        whether it can be paid (``matched``) or why not."""
        lines = self.filtered(lambda line: line.state != "paid")
        if not lines:
            return
        settled = {
            (line.carrier_id.id, line.awb)
            for line in self.search(
                [
                    ("state", "=", "paid"),
                    ("awb", "in", lines.mapped("awb")),
                    ("carrier_id", "in", lines.carrier_id.ids),
                ]
            )
        }
        pickings = self._fulfilment_pickings_by_awb(lines)
        seen = set()
        for line in lines:
            key = (line.settlement_id.id, line.awb)
            values = {
                "picking_id": False,
                "order_id": False,
                "expected_amount": 0.0,
                "message": False,
            }
            picking = pickings.get((line.company_id.id, line.awb))
            order = picking.sale_id if picking else self.env["sale.order"]
            if picking:
                values["picking_id"] = picking.id
            if order:
                values["order_id"] = order.id
                values["expected_amount"] = max(order.fulfilment_amount_due, 0.0)
            values.update(line._fulfilment_match_state(order, key in seen, settled))
            seen.add(key)
            line.write(values)

    def _fulfilment_match_state(self, order, repeated, settled):
        """``{state, message}`` of the line for ``order`` (may be empty)."""
        self.ensure_one()
        if (self.carrier_id.id, self.awb) in settled:
            return {
                "state": "settled",
                "message": _("This AWB was paid by an earlier settlement."),
            }
        if repeated:
            return {
                "state": "settled",
                "message": _("This AWB is listed twice in the report."),
            }
        if not order:
            return {
                "state": "unmatched",
                "message": _("No delivery of an order has this AWB."),
            }
        if order.fulfilment_paid_date or order._fulfilment_is_paid():
            return {
                "state": "already_paid",
                "message": _("%s is already paid.", order.name),
            }
        refusal = order._fulfilment_mark_paid_refusal(
            self.settlement_id.journal_id
            or self.env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", order.company_id.id)],
                limit=1,
            )
        )
        if refusal:
            return {"state": "unmatched", "message": refusal}
        owed = max(order.fulfilment_amount_due, 0.0)
        if order.currency_id.compare_amounts(self.amount, owed) != 0:
            return {
                "state": "mismatch",
                "message": _(
                    "%(order)s owes %(owed)s; the courier transferred %(amount)s.",
                    order=order.name,
                    owed=format_amount(self.env, owed, order.currency_id),
                    amount=format_amount(self.env, self.amount, order.currency_id),
                ),
            }
        return {"state": "matched", "message": False}

    @api.model
    def _fulfilment_pickings_by_awb(self, lines):
        """``{(company id, AWB): delivery}``: the latest outgoing delivery of
        an order carrying each AWB, preferring the settlement's courier."""
        pickings = self.env["stock.picking"].search(
            [
                ("carrier_tracking_ref", "in", lines.mapped("awb")),
                ("company_id", "in", lines.company_id.ids),
                ("picking_type_code", "=", "outgoing"),
                ("sale_id", "!=", False),
            ],
            order="id",
        )
        carriers = lines.carrier_id
        result = {}
        # Later and same-courier deliveries overwrite the others.
        for picking in pickings.sorted(
            lambda p: (p.carrier_id in carriers, p.state != "cancel", p.id)
        ):
            result[(picking.company_id.id, picking.carrier_tracking_ref)] = picking
        return result

    # ------------------------------------------------------------
    # Payment
    # ------------------------------------------------------------

    def _fulfilment_register_payment(self):
        """Pay the order of a matched line, with the amount the courier
        transferred: the line becomes ``paid`` or ``failed`` (why in its
        message); nothing of a failed one is kept."""
        self.ensure_one()
        settlement = self.settlement_id
        reference = _(
            "%(settlement)s – AWB %(awb)s",
            settlement=settlement.name,
            awb=self.awb,
        )
        try:
            with self.env.cr.savepoint():
                payments = self.order_id._fulfilment_mark_paid(
                    settlement.journal_id,
                    settlement.payment_date or self.transferred_on,
                    reference,
                )
                paid = sum(payments.mapped("amount"))
                if self.currency_id.compare_amounts(paid, self.amount) != 0:
                    raise UserError(
                        _(
                            "The invoices of %(order)s owe %(owed)s, not the "
                            "%(amount)s transferred.",
                            order=self.order_id.name,
                            owed=format_amount(self.env, paid, self.currency_id),
                            amount=format_amount(
                                self.env, self.amount, self.currency_id
                            ),
                        )
                    )
                self.write(
                    {
                        "state": "paid",
                        "message": False,
                        "payment_ids": [fields.Command.set(payments.ids)],
                    }
                )
        except psycopg2.errors.UniqueViolation:
            self.write(
                {
                    "state": "settled",
                    "message": _("This AWB was paid by another settlement."),
                }
            )
        except (UserError, ValidationError, AccessError) as error:
            self.write({"state": "failed", "message": str(error.args[0])})

import logging
from datetime import timedelta

import psycopg2
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import (
    float_compare,
    float_round,
    format_amount,
    format_datetime,
    html2plaintext,
)

_logger = logging.getLogger(__name__)

# Stored profit fields, all computed by ``sale.order._compute_profit``.
PROFIT_FIELDS = (
    "profit_revenue",
    "profit_goods_cost",
    "profit_courier_cost",
    "profit_payment_fee",
    "profit_cost",
    "profit_tax",
    "profit_net",
    "profit_margin",
)
# line cost, valuation, delivery lines, carrier price, refunded
EMPTY_PROFIT_PARTS = (0.0, 0.0, 0.0, 0.0, 0.0)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # Status engine
    fulfilment_status_id = fields.Many2one(
        "fulfilment.status",
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
            if status.is_closed:
                orders._fulfilment_loss_guard_refuse("closed")
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
        self._fulfilment_before_event(event)
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
                    or o.fulfilment_status_id == status
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
            if status.is_closed:
                # The loss guard holds orders at a loss (and tells the managers).
                allowed -= allowed._fulfilment_loss_guard_hold(event_label.get(event))
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
    # Couriers
    # ------------------------------------------------------------

    fulfilment_cash_on_delivery = fields.Boolean(
        string="Cash on Delivery",
        compute="_compute_fulfilment_cash_on_delivery",
        store=True,
        readonly=False,
        help="The customer pays the courier: the unpaid amount is passed as COD.",
    )
    fulfilment_amount_due = fields.Monetary(
        string="Amount Due", compute="_compute_fulfilment_amount_due"
    )
    fulfilment_tracking_event_ids = fields.One2many(
        "fulfilment.tracking.event", "order_id", string="Tracking Events"
    )
    fulfilment_tracking_ref = fields.Char(
        compute="_compute_fulfilment_tracking", string="Tracking Number"
    )
    fulfilment_tracking_url = fields.Char(
        compute="_compute_fulfilment_tracking", string="Tracking Link"
    )

    def _compute_fulfilment_tracking(self):
        for order in self:
            picking = order.picking_ids.filtered("carrier_tracking_ref").sorted(
                "id", reverse=True
            )[:1]
            order.fulfilment_tracking_ref = picking.carrier_tracking_ref
            order.fulfilment_tracking_url = picking.fulfilment_tracking_url

    @api.depends("transaction_ids.provider_id.fulfilment_cash_on_delivery")
    def _compute_fulfilment_cash_on_delivery(self):
        for order in self:
            order.fulfilment_cash_on_delivery = any(
                order.transaction_ids.provider_id.mapped("fulfilment_cash_on_delivery")
            )

    @api.depends("amount_total", "transaction_ids.state", "invoice_ids.amount_residual")
    def _compute_fulfilment_amount_due(self):
        for order in self:
            paid = sum(
                order.transaction_ids.filtered(
                    lambda tx: tx.state == "done" and tx.operation != "validation"
                ).mapped("amount")
            )
            invoices = order.invoice_ids.filtered(
                lambda move: move.state == "posted" and move.move_type == "out_invoice"
            )
            paid_on_invoices = sum(invoices.mapped("amount_total")) - sum(
                invoices.mapped("amount_residual")
            )
            order.fulfilment_amount_due = order.amount_total - max(
                paid, paid_on_invoices
            )

    def _fulfilment_courier_pickings(self):
        return self.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "cancel"
        )

    def action_fulfilment_send_to_courier(self):
        pickings = self._fulfilment_courier_pickings().filtered(
            lambda p: not p.carrier_tracking_ref
        )
        if not pickings:
            raise UserError(_("These orders have no delivery waiting for an AWB."))
        return pickings.action_fulfilment_send_to_courier()

    def action_fulfilment_print_labels(self):
        return self._fulfilment_courier_pickings().action_fulfilment_print_labels()

    def action_fulfilment_manual_tracking(self):
        self.ensure_one()
        pickings = self._fulfilment_courier_pickings().filtered(
            lambda p: not p.carrier_tracking_ref
        )
        if not pickings:
            raise UserError(
                _("%s has no delivery without a tracking number.", self.name)
            )
        return pickings[0].action_fulfilment_manual_tracking()

    # ------------------------------------------------------------
    # Profit, loss guard, deadlines and auto-cancel
    # ------------------------------------------------------------

    profit_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    fulfilment_courier_cost = fields.Monetary(
        string="Courier Cost",
        currency_field="profit_currency_id",
        copy=False,
        tracking=True,
        help="What the courier charges for this order's shipment, in the company "
        "currency. Courier integrations write here the real price the courier "
        "returned with the AWB; it can also be entered by hand. While it is 0 the "
        "profit uses the carrier's computed shipping cost (delivery orders), then "
        "the delivery line of the order.",
    )
    fulfilment_other_cost = fields.Monetary(
        string="Other Direct Costs",
        currency_field="profit_currency_id",
        copy=False,
        tracking=True,
        help="Packaging, gifts, marketplace commissions... entered by hand, in the "
        "company currency.",
    )
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

    # Amounts in the company currency (profit_currency_id), rounded to it. Floats
    # rather than Monetary: recomputing thousands of orders at once stays cheap.
    profit_revenue = fields.Float(
        string="Revenue",
        compute="_compute_profit",
        store=True,
        index=True,
        help="Untaxed amount after discounts, minus refunded amounts, in the company "
        "currency.",
    )
    profit_goods_cost = fields.Float(
        string="Cost of Goods",
        compute="_compute_profit",
        store=True,
        help="Stock valuation of the delivered goods, cost of the line for what is "
        "not delivered yet.",
    )
    profit_courier_cost = fields.Float(
        string="Courier",
        compute="_compute_profit",
        store=True,
    )
    profit_payment_fee = fields.Float(
        string="Payment Fees",
        compute="_compute_profit",
        store=True,
        help="Fee of the payment method (card, bank, cash on delivery).",
    )
    profit_cost = fields.Float(
        string="Total Cost",
        compute="_compute_profit",
        store=True,
        index=True,
        help="Cost of goods + courier + payment fees + other direct costs.",
    )
    profit_before_tax = fields.Float(
        compute="_compute_profit_before_tax",
    )
    profit_tax = fields.Float(
        compute="_compute_profit",
        store=True,
        help="Company income or turnover tax (Sales settings, Fulfilment).",
    )
    profit_net = fields.Float(
        string="Net Profit",
        compute="_compute_profit",
        store=True,
        index=True,
        help="Revenue minus total cost minus profit tax, in the company currency.",
    )
    profit_margin = fields.Float(
        string="Net Margin (%)",
        compute="_compute_profit",
        store=True,
        index=True,
        aggregator="avg",
        digits=(16, 2),
    )

    loss_blocked = fields.Boolean(
        copy=False,
        readonly=True,
        index=True,
        tracking=True,
        help="A delivery, invoice or closing was refused because the order makes a "
        "loss; a manager must approve it.",
    )
    loss_approved_by_id = fields.Many2one(
        "res.users", string="Approved By", copy=False, readonly=True
    )
    loss_approved_date = fields.Datetime(
        string="Loss Approved On", copy=False, readonly=True
    )
    loss_approval_reason = fields.Text(copy=False, readonly=True)

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

    @api.depends(
        "state",
        "company_id",
        "currency_rate",
        "amount_untaxed",
        "amount_total",
        "order_line.price_subtotal",
        "order_line.purchase_price",
        "order_line.product_uom_qty",
        "order_line.qty_delivered",
        "order_line.move_ids.state",
        "order_line.move_ids.stock_valuation_layer_ids.value",
        "order_line.invoice_lines.parent_state",
        "order_line.invoice_lines.balance",
        "picking_ids.carrier_price",
        "picking_ids.state",
        "fulfilment_courier_cost",
        "fulfilment_other_cost",
        "fulfilment_payment_policy_id.fee_fixed",
        "fulfilment_payment_policy_id.fee_percent",
        "company_id.fulfilment_profit_tax_mode",
        "company_id.fulfilment_profit_tax_rate",
    )
    def _compute_profit(self):
        if all(self._ids):
            parts = self._fulfilment_profit_parts()
        else:
            # Unsaved orders (onchange): nothing is delivered or refunded yet.
            parts = {
                order.id: order._fulfilment_profit_parts_unsaved() for order in self
            }
        company_settings = {
            company.id: (
                company.currency_id.rounding,
                company.fulfilment_profit_tax_mode,
                company.fulfilment_profit_tax_rate / 100.0,
            )
            for company in self.company_id
        }
        for order in self:
            order.update(
                order._fulfilment_profit_values(
                    parts.get(order.id, EMPTY_PROFIT_PARTS),
                    *company_settings.get(order.company_id.id, (0.01, "none", 0.0)),
                )
            )

    @api.depends("profit_revenue", "profit_cost")
    def _compute_profit_before_tax(self):
        for order in self:
            order.profit_before_tax = order.profit_revenue - order.profit_cost

    def _fulfilment_profit_parts(self):
        """What the profit needs beyond the order's own fields, for every order.

        Three queries for the whole recordset, whatever its size.
        :return: {order id: (line cost, valuation, delivery lines, carrier price,
            refunded)}: the line cost of the goods not valued yet and the delivery
            lines are in the order currency; the stock valuation of the delivered
            goods, the carriers' shipping cost and the refunds in company currency
        """
        for model, names in (
            (
                "sale.order.line",
                [
                    "order_id",
                    "purchase_price",
                    "product_uom_qty",
                    "qty_delivered",
                    "price_subtotal",
                    "is_delivery",
                    "display_type",
                    "invoice_lines",
                ],
            ),
            ("stock.valuation.layer", ["value", "stock_move_id"]),
            ("stock.move", ["sale_line_id", "state"]),
            ("stock.picking", ["sale_id", "state", "carrier_price", "picking_type_id"]),
            ("account.move.line", ["balance", "move_id"]),
            ("account.move", ["state", "move_type"]),
        ):
            self.env[model].flush_model(names)
        cr = self.env.cr
        ids = list(self.ids)
        parts = {}
        # Goods: valued moves count at their stock valuation, the rest of the
        # line (not delivered yet, or not stored in stock) at sale_margin's cost.
        cr.execute(
            """
            WITH line AS (
                SELECT id, order_id, purchase_price, product_uom_qty, qty_delivered,
                       price_subtotal, COALESCE(is_delivery, FALSE) AS is_delivery,
                       display_type IS NOT NULL AS is_display
                  FROM sale_order_line
                 WHERE order_id = ANY(%(ids)s)
            ), valued AS (
                SELECT move.sale_line_id AS line_id, SUM(layer.value) AS value
                  FROM stock_valuation_layer layer
                  JOIN stock_move move ON move.id = layer.stock_move_id
                 WHERE move.sale_line_id IN (SELECT id FROM line)
                 GROUP BY move.sale_line_id
            ), open_move AS (
                SELECT DISTINCT move.sale_line_id AS line_id
                  FROM stock_move move
                 WHERE move.sale_line_id IN (SELECT id FROM line)
                   AND move.state NOT IN ('done', 'cancel')
            )
            SELECT line.order_id,
                   SUM(CASE
                       WHEN line.is_display OR line.is_delivery THEN 0
                       WHEN valued.line_id IS NULL
                           THEN line.purchase_price * COALESCE(
                               NULLIF(line.product_uom_qty, 0), line.qty_delivered)
                       WHEN open_move.line_id IS NOT NULL
                           THEN line.purchase_price * GREATEST(
                               line.product_uom_qty - line.qty_delivered, 0)
                       ELSE 0 END)::float,
                   SUM(CASE WHEN line.is_display OR line.is_delivery THEN 0
                            ELSE -COALESCE(valued.value, 0) END)::float,
                   SUM(CASE WHEN line.is_delivery THEN line.price_subtotal
                            ELSE 0 END)::float
              FROM line
              LEFT JOIN valued ON valued.line_id = line.id
              LEFT JOIN open_move ON open_move.line_id = line.id
             GROUP BY line.order_id
            """,
            {"ids": ids},
        )
        for order_id, line_cost, valuation, delivery in cr.fetchall():
            parts[order_id] = [
                line_cost or 0.0,
                valuation or 0.0,
                delivery or 0.0,
                0.0,
                0.0,
            ]
        cr.execute(
            """
            SELECT picking.sale_id, SUM(picking.carrier_price)::float
              FROM stock_picking picking
              JOIN stock_picking_type picking_type
                ON picking_type.id = picking.picking_type_id
             WHERE picking.sale_id = ANY(%(ids)s)
               AND picking.state != 'cancel'
               AND picking_type.code = 'outgoing'
             GROUP BY picking.sale_id
            """,
            {"ids": ids},
        )
        for order_id, carrier_price in cr.fetchall():
            parts.setdefault(order_id, [0.0] * 5)[3] = carrier_price or 0.0
        cr.execute(
            """
            SELECT line.order_id, SUM(aml.balance)::float
              FROM sale_order_line_invoice_rel rel
              JOIN sale_order_line line ON line.id = rel.order_line_id
              JOIN account_move_line aml ON aml.id = rel.invoice_line_id
              JOIN account_move move ON move.id = aml.move_id
             WHERE line.order_id = ANY(%(ids)s)
               AND move.state = 'posted'
               AND move.move_type = 'out_refund'
             GROUP BY line.order_id
            """,
            {"ids": ids},
        )
        for order_id, refunded in cr.fetchall():
            parts.setdefault(order_id, [0.0] * 5)[4] = refunded or 0.0
        return parts

    def _fulfilment_profit_parts_unsaved(self):
        """The parts of :meth:`_fulfilment_profit_parts` for an unsaved order."""
        self.ensure_one()
        goods = [
            line
            for line in self.order_line
            if not line.display_type and not line.is_delivery
        ]
        return (
            sum(
                line.purchase_price * (line.product_uom_qty or line.qty_delivered)
                for line in goods
            ),
            0.0,
            sum(line.price_subtotal for line in self.order_line if line.is_delivery),
            0.0,
            0.0,
        )

    def _fulfilment_profit_values(self, parts, rounding, tax_mode, tax_rate):
        """The stored profit fields of one order, in the company currency.

        :param parts: this order's entry of :meth:`_fulfilment_profit_parts`
        :param rounding: rounding of the company currency
        :param tax_mode: the company's ``fulfilment_profit_tax_mode``
        :param tax_rate: the company's tax rate, as a fraction
        """
        self.ensure_one()
        if self.state == "cancel":
            return dict.fromkeys(PROFIT_FIELDS, 0.0)
        line_cost, valuation, delivery, carrier_price, refunded = parts
        rate = self.currency_rate or 1.0

        def amount(value):
            # Round each part first, so that the printed breakdown adds up.
            return float_round(value, precision_rounding=rounding)

        revenue = amount(self.amount_untaxed / rate - refunded)
        goods = amount(valuation + line_cost / rate)
        courier = amount(
            self.fulfilment_courier_cost or carrier_price or delivery / rate
        )
        policy = self.fulfilment_payment_policy_id
        fee = amount(
            policy.fee_fixed + policy.fee_percent / 100.0 * self.amount_total / rate
            if policy
            else 0.0
        )
        cost = amount(goods + courier + fee + self.fulfilment_other_cost)
        before_tax = revenue - cost
        if tax_mode == "profit":
            tax = amount(max(before_tax, 0.0) * tax_rate)
        elif tax_mode == "revenue":
            tax = amount(max(revenue, 0.0) * tax_rate)
        else:
            tax = 0.0
        net = amount(before_tax - tax)
        return {
            "profit_revenue": revenue,
            "profit_goods_cost": goods,
            "profit_courier_cost": courier,
            "profit_payment_fee": fee,
            "profit_cost": cost,
            "profit_tax": tax,
            "profit_net": net,
            "profit_margin": round(net / revenue * 100.0, 2) if revenue else 0.0,
        }

    @api.depends(
        "state",
        "date_order",
        "fulfilment_payment_policy_id.payment_delay",
        "fulfilment_payment_policy_id.payment_delay_unit",
        "fulfilment_payment_policy_id.is_cash_on_delivery",
    )
    def _compute_payment_deadline(self):
        for order in self:
            policy = order.fulfilment_payment_policy_id
            if (
                order.state != "sale"
                or not order.date_order
                or not policy.payment_delay
                or policy.is_cash_on_delivery
            ):
                order.payment_deadline = False
            elif policy.payment_delay_unit == "hours":
                order.payment_deadline = order.date_order + timedelta(
                    hours=policy.payment_delay
                )
            else:
                order.payment_deadline = add_business_days(
                    order.date_order, policy.payment_delay
                )

    @api.depends(
        "state", "date_order", "commitment_date", "carrier_id.fulfilment_delivery_days"
    )
    def _compute_delivery_deadline(self):
        for order in self:
            days = order.carrier_id.fulfilment_delivery_days
            if order.state != "sale":
                order.delivery_deadline = False
            elif order.commitment_date:
                order.delivery_deadline = order.commitment_date
            elif days and order.date_order:
                order.delivery_deadline = add_business_days(order.date_order, days)
            else:
                order.delivery_deadline = False

    # Loss guard ---------------------------------------------------

    def _fulfilment_loss_guard_get_blocked(self, guard):
        """Orders that ``guard`` (delivery, invoice or closed) must stop.

        A confirmed order is stopped when its company guards that event, its net
        profit is below the company's threshold and no manager approved it.
        """
        blocked = self.browse()
        for order in self:
            company = order.company_id
            if (
                order.state == "sale"
                and not order.loss_approved_date
                and company.fulfilment_loss_guard
                and company[f"fulfilment_loss_guard_{guard}"]
                and company.currency_id.compare_amounts(
                    order.profit_net, company.fulfilment_loss_threshold
                )
                < 0
            ):
                blocked |= order
        return blocked

    def _fulfilment_loss_guard_message(self):
        return "\n".join(
            _(
                "Order %(order)s would be completed with a net profit of %(profit)s, "
                "below the minimum of %(threshold)s. A fulfilment manager must "
                "approve the loss first (button “Approve Loss” on the order).",
                order=order.name,
                profit=format_amount(
                    self.env, order.profit_net, order.company_id.currency_id
                ),
                threshold=format_amount(
                    self.env,
                    order.company_id.fulfilment_loss_threshold,
                    order.company_id.currency_id,
                ),
            )
            for order in self
        )

    def _fulfilment_loss_block(self, action_label):
        """Mark the orders as blocked and tell the managers, once per block."""
        new = self.filtered(lambda order: not order.loss_blocked)
        if not new:
            return
        new.sudo().write({"loss_blocked": True})
        managers = self.env.ref("order_fulfilment.group_manager").sudo().users
        for order in new.sudo():
            order_managers = managers.filtered(
                lambda user, order=order: (
                    order.company_id in user.company_ids
                    and user.active
                    and not user.share
                )
            )
            summary = _("Approve loss: %(action)s", action=action_label)
            for manager in order_managers:
                order.activity_schedule(
                    "order_fulfilment.mail_activity_type_loss_review",
                    summary=summary,
                    note=order._fulfilment_loss_guard_message(),
                    user_id=manager.id,
                )
            order.message_post(
                body=_(
                    "%(action)s refused: %(message)s",
                    action=action_label,
                    message=order._fulfilment_loss_guard_message(),
                ),
                partner_ids=order_managers.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )

    def _fulfilment_loss_guard_check(self, guard, action_label):
        """Block the orders that ``guard`` stops, release those fixed meanwhile.

        :return: the blocked orders
        """
        blocked = self._fulfilment_loss_guard_get_blocked(guard)
        blocked._fulfilment_loss_block(action_label)
        fixed = (self - blocked).filtered(
            lambda order: (
                order.loss_blocked
                and order.company_id.currency_id.compare_amounts(
                    order.profit_net, order.company_id.fulfilment_loss_threshold
                )
                >= 0
            )
        )
        if fixed:
            fixed.sudo().write({"loss_blocked": False})
            fixed.activity_feedback(
                ["order_fulfilment.mail_activity_type_loss_review"],
                feedback=_("The order no longer makes a loss."),
            )
        return blocked

    def _fulfilment_loss_guard_refuse(self, guard, action_label=None):
        """Raise a UserError when ``guard`` stops one of the orders.

        The error rolls the transaction back; the block and the managers'
        activity are recorded right after, in a fresh transaction.

        :param action_label: what was refused, for the managers' activity
        """
        blocked = self._fulfilment_loss_guard_get_blocked(guard)
        if not blocked:
            return
        message = blocked._fulfilment_loss_guard_message()
        order_ids, uid, context = blocked.ids, self.env.uid, dict(self.env.context)
        label = action_label or _("Closing the order")
        registry = self.env.registry

        def record_block():
            with registry.cursor() as cr:
                env = api.Environment(cr, uid, context)
                env["sale.order"].browse(order_ids).exists()._fulfilment_loss_block(
                    label
                )

        self.env.cr.postrollback.add(record_block)
        raise UserError(message)

    def _fulfilment_loss_guard_hold(self, event_label):
        """Orders an automatic event may not close; they are blocked and noted."""
        return self._fulfilment_loss_guard_check(
            "closed", event_label or _("Closing the order")
        )

    def _fulfilment_loss_guard_action(self, pickings=None, invoices=None):
        """The wizard shown instead of a refused validation or posting."""
        wizard = self.env["fulfilment.loss.approval"].create(
            {
                "order_ids": [fields.Command.set(self.ids)],
                "picking_ids": [fields.Command.set(pickings.ids if pickings else [])],
                "invoice_ids": [fields.Command.set(invoices.ids if invoices else [])],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Order at a Loss"),
            "res_model": "fulfilment.loss.approval",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_fulfilment_approve_loss(self):
        return self._fulfilment_loss_guard_action()

    def _fulfilment_approve_loss(self, reason):
        """Record a manager's approval of the loss; the guard then lets it pass."""
        if not self.env.user.has_group("order_fulfilment.group_manager"):
            raise AccessError(_("Only fulfilment managers can approve a loss."))
        if not (reason or "").strip():
            raise UserError(_("Say why the loss is approved."))
        self.sudo().write(
            {
                "loss_blocked": False,
                "loss_approved_by_id": self.env.uid,
                "loss_approved_date": fields.Datetime.now(),
                "loss_approval_reason": reason.strip(),
            }
        )
        self.activity_feedback(
            ["order_fulfilment.mail_activity_type_loss_review"],
            feedback=_("Loss approved: %(reason)s", reason=reason.strip()),
        )
        for order in self:
            order.message_post(
                body=_(
                    "Loss approved by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=reason.strip(),
                ),
                subtype_xmlid="mail.mt_note",
            )

    # Deadlines ----------------------------------------------------

    def _fulfilment_before_event(self, event):
        """Bookkeeping of the profit and deadline features for status events."""
        if event == "paid":
            self.filtered(lambda order: not order.fulfilment_paid_date).write(
                {"fulfilment_paid_date": fields.Datetime.now()}
            )
            self.filtered("is_payment_overdue")._fulfilment_clear_overdue("payment")
        elif event == "delivered":
            self.filtered("is_delivery_overdue")._fulfilment_clear_overdue("delivery")

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
        """Flag ``kind`` overdue, give the salesperson an activity, fire the event."""
        if not self:
            return
        # The flags are not tracked: skip preparing the tracking of the batch.
        self.with_context(tracking_disable=True).write({f"is_{kind}_overdue": True})
        activity_type = self.env.ref(
            f"order_fulfilment.mail_activity_type_{kind}_overdue"
        )
        model_id = self.env["ir.model"]._get_id("sale.order")
        today = fields.Date.context_today(self)
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": order.id,
                    "activity_type_id": activity_type.id,
                    "summary": activity_type.summary or activity_type.name,
                    "user_id": order.user_id.id,
                    "date_deadline": today,
                    "automated": True,
                }
                for order in self
                if order.user_id
            ]
        )
        self._fulfilment_trigger_event(f"{kind}_overdue")

    @api.model
    def _cron_fulfilment_flag_overdue(self, batch_size=1000):
        """Flag the orders whose payment or delivery deadline has passed.

        Works in batches; orders already flagged are skipped, so running it
        twice changes nothing. Orders paid or delivered meanwhile are unflagged.
        """
        now = fields.Datetime.now()
        self.search(
            [
                ("is_payment_overdue", "=", True),
                "|",
                ("fulfilment_paid_date", "!=", False),
                ("state", "!=", "sale"),
            ]
        )._fulfilment_clear_overdue("payment")
        self.search(
            [
                ("is_delivery_overdue", "=", True),
                "|",
                ("delivery_status", "=", "full"),
                ("state", "!=", "sale"),
            ]
        )._fulfilment_clear_overdue("delivery")
        domains = {
            "payment": [
                ("payment_deadline", "<", now),
                ("state", "=", "sale"),
                ("is_payment_overdue", "=", False),
                ("fulfilment_paid_date", "=", False),
            ],
            "delivery": [
                ("delivery_deadline", "<", now),
                ("state", "=", "sale"),
                ("is_delivery_overdue", "=", False),
                ("delivery_status", "!=", "full"),
            ],
        }
        for kind, domain in domains.items():
            while True:
                orders = self.search(domain, limit=batch_size, order="id")
                if not orders:
                    break
                orders._fulfilment_flag_overdue(kind)
                self.env.invalidate_all()

    # Auto-cancel --------------------------------------------------

    def _fulfilment_unpaid_cancellable(self):
        """Orders of ``self`` that may be cancelled for non-payment."""
        return self.filtered(
            lambda order: (
                order.state in ("draft", "sent", "sale")
                and not order.fulfilment_paid_date
                and order.delivery_status in (False, "pending")
                and not any(
                    move.state == "posted" and move.move_type == "out_invoice"
                    for move in order.invoice_ids
                )
            )
        )

    def _fulfilment_cancel_unpaid(self):
        """Cancel unpaid orders: release their stock and e-mail the customer."""
        if not self:
            return
        self._action_cancel()
        template = self.env.ref("order_fulfilment.mail_template_order_cancelled_unpaid")
        for order in self:
            order.message_post_with_source(template, subtype_xmlid="mail.mt_comment")

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
    def _cron_fulfilment_auto_cancel(self, batch_size=200):
        """Cancel orders still unpaid after their company's delay (offline methods)."""
        now = fields.Datetime.now()
        for company in self.env["res.company"].search(
            [("fulfilment_auto_cancel", "=", True)]
        ):
            domain = [
                ("company_id", "=", company.id),
                ("state", "=", "sale"),
                ("fulfilment_paid_date", "=", False),
                ("fulfilment_payment_policy_id.is_offline", "=", True),
                (
                    "date_order",
                    "<",
                    now - timedelta(days=company.fulfilment_auto_cancel_days),
                ),
                ("delivery_status", "in", [False, "pending"]),
            ]
            done = self.browse()
            while True:
                orders = self.search(
                    domain + [("id", "not in", done.ids)], limit=batch_size
                )
                if not orders:
                    break
                done |= orders
                orders._fulfilment_unpaid_cancellable()._fulfilment_cancel_unpaid()

    # ------------------------------------------------------------
    # Returns (RMA)
    # ------------------------------------------------------------

    fulfilment_rma_ids = fields.One2many(
        "fulfilment.rma", "order_id", string="Returns", readonly=True
    )
    fulfilment_rma_count = fields.Integer(
        string="Returns Count", compute="_compute_fulfilment_rma_count"
    )
    fulfilment_can_return = fields.Boolean(
        compute="_compute_fulfilment_can_return",
        help="Something was delivered and can be returned.",
    )

    @api.depends("fulfilment_rma_ids")
    def _compute_fulfilment_rma_count(self):
        groups = self.env["fulfilment.rma"]._read_group(
            [("order_id", "in", self.ids)], ["order_id"], ["__count"]
        )
        counts = {order.id: count for order, count in groups}
        for order in self:
            order.fulfilment_rma_count = counts.get(order.id, 0)

    @api.depends("state", "order_line.qty_delivered")
    def _compute_fulfilment_can_return(self):
        for order in self:
            order.fulfilment_can_return = order.state == "sale" and bool(
                order._fulfilment_get_returnable_lines()
            )

    def action_fulfilment_return(self):
        """Open the return wizard for the delivered lines of the order."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Return"),
            "res_model": "fulfilment.rma.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def action_view_fulfilment_rmas(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_fulfilment.fulfilment_rma_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id}
        if self.fulfilment_rma_count == 1:
            action.update(views=[(False, "form")], res_id=self.fulfilment_rma_ids.id)
        return action

    def _fulfilment_get_returnable_lines(self):
        """Order lines with a delivered quantity the customer may return."""
        self.ensure_one()
        lines = self.order_line.filtered(
            lambda line: (
                not line.is_delivery
                and not line.display_type
                and line.product_id.type == "consu"
                and line.qty_delivered > 0
            )
        )
        # Lines entirely claimed by open returns have nothing left to return.
        claimed = self.env["fulfilment.rma.line"]._get_claimed_quantities(lines)
        return lines.filtered(
            lambda line: (
                float_compare(
                    line.qty_delivered,
                    claimed.get(line.id, 0.0),
                    precision_rounding=line.product_uom.rounding,
                )
                > 0
            )
        )

    # ------------------------------------------------------------
    # Referrers: up to 10 touches per order, first and last stored
    # ------------------------------------------------------------

    referrer_ids = fields.One2many(
        "fulfilment.referrer", "order_id", string="Referrers", copy=False
    )
    first_touch_channel_id = fields.Many2one(
        "fulfilment.referrer.channel",
        string="First-touch Channel",
        compute="_compute_touch_fields",
        store=True,
        index=True,
    )
    first_touch_channel_type = fields.Selection(
        related="first_touch_channel_id.channel_type",
        string="First-touch Channel Type",
        store=True,
        index=True,
    )
    first_touch_source_id = fields.Many2one(
        "utm.source",
        string="First-touch Source",
        compute="_compute_touch_fields",
        store=True,
        index=True,
    )
    last_touch_channel_id = fields.Many2one(
        "fulfilment.referrer.channel",
        string="Last-touch Channel",
        compute="_compute_touch_fields",
        store=True,
        index=True,
    )
    last_touch_channel_type = fields.Selection(
        related="last_touch_channel_id.channel_type",
        string="Last-touch Channel Type",
        store=True,
        index=True,
    )
    last_touch_source_id = fields.Many2one(
        "utm.source",
        string="Last-touch Source",
        compute="_compute_touch_fields",
        store=True,
        index=True,
    )

    @api.depends(
        "referrer_ids.position",
        "referrer_ids.touch_date",
        "referrer_ids.channel_id",
        "referrer_ids.source_id",
    )
    def _compute_touch_fields(self):
        for order in self:
            touches = order.referrer_ids.sorted(
                lambda t: (t.position, t.touch_date, t.id)
            )
            first, last = touches[:1], touches[-1:]
            order.first_touch_channel_id = first.channel_id
            order.first_touch_source_id = first.source_id
            order.last_touch_channel_id = last.channel_id
            order.last_touch_source_id = last.source_id

    def _fulfilment_add_touches(self, touches):
        """Merge the web shop's touches (plain dicts) into the order's referrers."""
        self.ensure_one()
        self.env["fulfilment.referrer"].sudo()._merge_into_order(self, touches)

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

    # ------------------------------------------------------------
    # Order completion: delivery, invoice, documents, e-mail, status
    # ------------------------------------------------------------

    fulfilment_completed_date = fields.Datetime(
        string="Completed On",
        copy=False,
        readonly=True,
        index=True,
        help="When the order was completed: delivered, invoiced, and its documents "
        "sent to the customer.",
    )

    def action_fulfilment_complete(self):
        """Complete the orders ("Complete Order" button and list action).

        One order: completed, or refused with the reason and nothing changed.
        Several orders: each is completed or refused on its own; a result
        window lists which were completed and why the others were refused.
        """
        self._fulfilment_check_completion_access()
        if len(self) == 1:
            self._fulfilment_complete()
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "success",
                    "message": _(
                        "Order %(order)s completed: documents sent to %(email)s.",
                        order=self.name,
                        email=self.partner_id.email,
                    ),
                    "next": {"type": "ir.actions.client", "tag": "soft_reload"},
                },
            }
        return self.env["fulfilment.completion.result"]._open(
            self._fulfilment_complete_many()
        )

    def _fulfilment_check_completion_access(self):
        if not self.env.user.has_group("order_fulfilment.group_user"):
            raise AccessError(_("Only fulfilment operators can complete orders."))
        self.check_access("write")

    def _fulfilment_complete_many(self):
        """Complete each order in its own savepoint.

        :return: list of (order, completed, message)
        """
        results = []
        for order in self:
            # Rolling a savepoint back forgets the pending chatter tracking of
            # the orders completed before it: record it now.
            self.env.flush_all()
            self.env.cr.precommit.run()
            try:
                with self.env.cr.savepoint():
                    order._fulfilment_complete()
            except UserError as exc:
                results.append((order, False, exc.args[0]))
                # The refusal is undone with the rest: keep the loss guard's
                # block and the managers' activity.
                if order._fulfilment_completion_loss_blocked():
                    order._fulfilment_loss_block(_("Order completion"))
            else:
                results.append((order, True, _("Completed.")))
        return results

    def _fulfilment_complete(self):
        """Complete one order, all or nothing.

        Every check comes first. Then, inside the transaction, the ready
        deliveries are validated and the invoice is created and posted; only
        then is the courier asked for a missing AWB: its shipment attempt is
        kept in a transaction of its own, so that if a later step fails and
        everything here is rolled back, the next try adopts that AWB instead
        of creating a second one. Then the documents are attached and e-mailed
        and the "completed" event is fired. Any failure raises a UserError and
        leaves the order as it was.
        """
        self.ensure_one()
        order = self.with_company(self.company_id)
        order._fulfilment_completion_lock()
        problems = order._fulfilment_completion_problems()
        if problems:
            raise UserError(
                _(
                    "Order %(order)s cannot be completed:\n%(problems)s",
                    order=order.name,
                    problems="\n".join(f"- {problem}" for problem in problems),
                )
            )
        for guard in order._fulfilment_completion_loss_guards():
            order._fulfilment_loss_guard_refuse(guard, _("Order completion"))

        deliveries = order._fulfilment_courier_pickings()
        order._fulfilment_completion_validate(
            deliveries.filtered(lambda picking: picking.state != "done")
        )
        without_awb = deliveries.filtered(
            lambda picking: (
                picking.carrier_id.fulfilment_is_courier
                and not picking.carrier_tracking_ref
            )
        )
        # A carrier that bills the courier's real price puts it on the order
        # when the AWB is created: the invoice must come after it.
        awb_first = any(
            carrier.invoice_policy == "real" for carrier in without_awb.carrier_id
        )
        if awb_first:
            order._fulfilment_completion_get_awbs(without_awb)
        order._fulfilment_completion_invoice()
        if not awb_first:
            order._fulfilment_completion_get_awbs(without_awb)

        attachments = order._fulfilment_completion_attach(
            order._fulfilment_completion_documents()
        )
        order.message_post_with_source(
            self.env.ref("order_fulfilment.mail_template_order_completed"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=attachments.ids,
        )
        order.fulfilment_completed_date = fields.Datetime.now()
        order._fulfilment_trigger_event("completed")
        status = self.env["fulfilment.status"]._get_status_for_event(
            "completed", order.company_id
        )
        if status and order.fulfilment_status_id != status:
            raise UserError(
                _(
                    "Order %(order)s could not enter the status “%(status)s”.",
                    order=order.name,
                    status=status.name,
                )
            )

    def _fulfilment_completion_documents(self):
        """The documents completing the order attaches to it and e-mails.

        The extension point of order completion: override it, call ``super()``
        and append your own documents. It runs for one order, inside the
        completion's transaction, once its deliveries are done, its invoices
        posted and its AWBs created; records created here
        are rolled back with the rest if the completion fails, and raising a
        UserError refuses the completion.

        :return: list of dicts, one per document, with the keys ``name`` (file
            name), ``mimetype``, ``raw`` (the file's bytes), ``res_model`` and
            ``res_id`` (the record the document comes from)
        """
        self.ensure_one()
        return (
            self._fulfilment_transport_documents()
            + self._fulfilment_invoice_documents()
            + self._fulfilment_warranty_documents()
        )

    def _fulfilment_transport_documents(self):
        """Per delivery done: the courier's AWB label, else Odoo's delivery slip."""
        documents = []
        deliveries = self._fulfilment_courier_pickings().filtered(
            lambda picking: picking.state == "done"
        )
        for picking in deliveries.sudo():
            label = picking.fulfilment_label_id
            if label:
                documents.append(
                    {
                        "name": label.name,
                        "mimetype": label.mimetype or "application/pdf",
                        "raw": label.raw,
                        "res_model": "stock.picking",
                        "res_id": picking.id,
                    }
                )
                continue
            documents.append(
                self._fulfilment_report_document(
                    "stock.action_report_delivery", picking, _("Delivery Slip")
                )
            )
        return documents

    @api.model
    def _fulfilment_report_document(self, report_ref, record, title):
        """A completion document: the report ``report_ref`` of ``record``,
        named after ``title`` and the record."""
        content, report_type = record.env["ir.actions.report"]._render_qweb_pdf(
            report_ref, record.ids
        )
        # Test databases render HTML instead of calling wkhtmltopdf.
        is_pdf = report_type == "pdf"
        return {
            "name": "{} {}.{}".format(
                title, record.name.replace("/", "_"), "pdf" if is_pdf else "html"
            ),
            "mimetype": "application/pdf" if is_pdf else "text/html",
            "raw": content,
            "res_model": record._name,
            "res_id": record.id,
        }

    def _fulfilment_invoice_documents(self):
        """The legal PDF of each posted invoice of the order.

        Generated by Odoo's invoice sending engine, so the invoice keeps it
        (reprints and the portal show the very document the customer got).
        """
        invoices = self.sudo().invoice_ids.filtered(
            lambda move: move.state == "posted" and move.move_type == "out_invoice"
        )
        missing = invoices.filtered(lambda move: not move.invoice_pdf_report_id)
        if missing:
            sender = self.env["account.move.send"].sudo()
            invoices_data = {
                move: sender._get_default_sending_settings(move, sending_methods=[])
                for move in missing
            }
            sender._generate_invoice_documents(invoices_data)
            for move, move_data in invoices_data.items():
                if not move.invoice_pdf_report_id:
                    error = move_data.get("error")
                    raise UserError(
                        _(
                            "The PDF of invoice %(invoice)s could not be "
                            "generated: %(error)s",
                            invoice=move.name,
                            error=sender._format_error_text(error)
                            if isinstance(error, dict)
                            else error or _("unknown error"),
                        )
                    )
        return [
            {
                "name": move.invoice_pdf_report_id.name,
                "mimetype": move.invoice_pdf_report_id.mimetype or "application/pdf",
                "raw": move.invoice_pdf_report_id.raw,
                "res_model": "account.move",
                "res_id": move.id,
            }
            for move in invoices
        ]

    def _fulfilment_completion_attach(self, documents):
        """Attach the documents to the order; return the attachments."""
        self.ensure_one()
        return self.env["ir.attachment"].create(
            [
                {
                    "name": document["name"],
                    "mimetype": document["mimetype"],
                    "raw": document["raw"],
                    "res_model": self._name,
                    "res_id": self.id,
                    "description": "{},{}".format(
                        document["res_model"], document["res_id"]
                    ),
                }
                for document in documents
            ]
        )

    def _fulfilment_completion_lock(self):
        """Hold the order's row: a second click or worker stops here at once."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM sale_order WHERE id IN %s FOR NO KEY UPDATE NOWAIT",
                    [tuple(self.ids)],
                )
        except psycopg2.errors.LockNotAvailable as exc:
            raise UserError(
                _("Order %s is being completed right now.", self[:1].name)
            ) from exc

    def _fulfilment_completion_problems(self):
        """Why the order cannot be completed now, as translated sentences."""
        self.ensure_one()
        if self.state == "cancel" or self.fulfilment_status_id.is_cancelled:
            return [_("The order is cancelled.")]
        if self.fulfilment_completed_date:
            return [
                _(
                    "The order was already completed on %s.",
                    format_datetime(self.env, self.fulfilment_completed_date),
                )
            ]
        if self.state != "sale":
            return [_("The order is not confirmed.")]
        problems = []
        status = self.fulfilment_status_id
        completed = self.env["fulfilment.status"]._get_status_for_event(
            "completed", self.company_id
        )
        if status.is_closed:
            problems.append(
                _("The order is already closed (status “%s”).", status.name)
            )
        elif completed and status and not status._allows_transition_to(completed):
            problems.append(
                _(
                    "Its status “%(from)s” does not allow moving to “%(to)s”.",
                    **{"from": status.name, "to": completed.name},
                )
            )
        if self.loss_blocked:
            problems.append(
                _(
                    "The order makes a loss and waits for a fulfilment manager to "
                    "approve it (loss guard)."
                )
            )
        if not (self.partner_id.email or "").strip():
            problems.append(
                _(
                    "The customer %s has no e-mail address to send the documents to.",
                    self.partner_id.display_name,
                )
            )
        missing = self._fulfilment_address_missing(self.partner_shipping_id)
        if missing:
            problems.append(
                _(
                    "The delivery address %(address)s is incomplete: %(missing)s "
                    "missing.",
                    address=self.partner_shipping_id.display_name,
                    missing=", ".join(missing),
                )
            )
        problems += self._fulfilment_completion_delivery_problems()
        return problems

    def _fulfilment_completion_delivery_problems(self):
        deliveries = self._fulfilment_courier_pickings()
        if not deliveries:
            return [_("The order has no delivery: nothing is delivered.")]
        open_deliveries = deliveries.filtered(lambda picking: picking.state != "done")
        not_ready = open_deliveries.filtered(
            lambda picking: not picking._fulfilment_is_ready_to_complete()
        )
        if not_ready == deliveries:
            return [
                _(
                    "Nothing is delivered or ready to deliver yet (a delivery is "
                    "ready when all its quantities are reserved): %s.",
                    ", ".join(not_ready.mapped("name")),
                )
            ]
        problems = [
            _(
                "Delivery %s is neither done nor ready (all quantities reserved).",
                picking.name,
            )
            for picking in not_ready
        ]
        for picking in deliveries.filtered(
            lambda p: p.carrier_id.fulfilment_is_courier and not p.carrier_tracking_ref
        ):
            if picking.fulfilment_shipment_state == "sending":
                problems.append(
                    _("%s is being sent to the courier right now.", picking.name)
                )
        return problems

    @api.model
    def _fulfilment_address_missing(self, partner):
        """The parts of a postal address ``partner`` lacks (translated labels)."""
        missing = []
        if not (partner.street or "").strip():
            missing.append(_("street"))
        if not (partner.city or "").strip():
            missing.append(_("city"))
        if not partner.country_id:
            missing.append(_("country"))
        elif partner.country_id.zip_required and not (partner.zip or "").strip():
            missing.append(_("postcode"))
        if partner.country_id.state_required and not partner.state_id:
            missing.append(_("state"))
        return missing

    def _fulfilment_completion_loss_guards(self):
        """The loss guards completing the order goes through."""
        self.ensure_one()
        guards = ["invoice", "closed"]
        if any(p.state != "done" for p in self._fulfilment_courier_pickings()):
            guards.insert(0, "delivery")
        return guards

    def _fulfilment_completion_loss_blocked(self):
        """Whether the loss guard stops completing the order."""
        self.ensure_one()
        return not self.loss_blocked and any(
            self._fulfilment_loss_guard_get_blocked(guard)
            for guard in self._fulfilment_completion_loss_guards()
        )

    def _fulfilment_completion_validate(self, pickings):
        """Validate the ready deliveries with their full quantities, no backorder."""
        if not pickings:
            return
        pickings = pickings.sudo()
        pickings.move_ids.filtered(
            lambda move: move.state not in ("done", "cancel")
        ).picked = True
        pickings.with_context(
            skip_backorder=True,
            picking_ids_not_to_backorder=pickings.ids,
            skip_sms=True,
            # The courier is called once the invoice is posted, not here.
            fulfilment_defer_awb=True,
        ).button_validate()
        not_done = pickings.filtered(lambda picking: picking.state != "done")
        if not_done:
            raise UserError(
                _(
                    "Delivery %s could not be validated; validate it from the "
                    "delivery to see why.",
                    ", ".join(not_done.mapped("name")),
                )
            )

    def _fulfilment_completion_invoice(self):
        """Invoice what is left to invoice and post the order's draft invoices.

        :return: the order's posted customer invoices
        """
        order = self.sudo()
        to_post = order.invoice_ids.filtered(
            lambda move: move.state == "draft" and move.move_type == "out_invoice"
        )
        if order.invoice_status == "to invoice":
            to_post |= order._create_invoices(final=True)
        if to_post:
            # The loss guard answers with a dialog instead of posting.
            to_post.action_post()
            not_posted = to_post.filtered(lambda move: move.state != "posted")
            if not_posted:
                raise UserError(
                    _(
                        "Invoice %s could not be posted.",
                        ", ".join(not_posted.mapped("display_name")),
                    )
                )
        invoices = order.invoice_ids.filtered(
            lambda move: move.state == "posted" and move.move_type == "out_invoice"
        )
        if not invoices:
            raise UserError(
                _("Order %s has nothing to invoice.", order.name),
            )
        return invoices

    def _fulfilment_completion_get_awbs(self, pickings):
        """Get the AWB (and label) of courier deliveries that have none."""
        for picking in pickings.sudo():
            picking.send_to_shipper()
            if not picking.carrier_tracking_ref:
                raise UserError(
                    _(
                        "%(courier)s returned no AWB for %(picking)s.",
                        courier=picking.carrier_id.name,
                        picking=picking.name,
                    )
                )

    # ------------------------------------------------------------
    # Warranty
    # ------------------------------------------------------------

    fulfilment_warranty_ids = fields.One2many(
        "fulfilment.warranty", "order_id", string="Warranty Certificates", readonly=True
    )
    fulfilment_warranty_count = fields.Integer(
        string="Warranty Certificates Count",
        compute="_compute_fulfilment_warranty_count",
    )

    @api.depends("fulfilment_warranty_ids")
    def _compute_fulfilment_warranty_count(self):
        counts = dict(
            self.env["fulfilment.warranty"]._read_group(
                [("order_id", "in", self.ids)], ["order_id"], ["__count"]
            )
        )
        for order in self:
            order.fulfilment_warranty_count = counts.get(order, 0)

    def _fulfilment_create_warranty_certificates(self):
        """Issue the certificates missing for the units the orders delivered
        (done deliveries to the customer), then return the orders' active
        certificates. Safe to call again: it never issues a unit twice.

        :return: ``fulfilment.warranty`` records in the state "active"
        """
        moves = self.sudo().order_line.move_ids.filtered(
            lambda m: m.state == "done" and m.location_dest_id.usage == "customer"
        )
        Warranty = self.env["fulfilment.warranty"]
        Warranty._issue_for_moves(moves)
        return Warranty.search([("order_id", "in", self.ids), ("state", "=", "active")])

    def _fulfilment_warranty_documents(self):
        """The warranty certificates of the units the order delivered, in one
        PDF, for order completion."""
        self.ensure_one()
        if not self._fulfilment_create_warranty_certificates():
            return []
        return [
            self._fulfilment_report_document(
                "order_fulfilment.action_report_fulfilment_order_warranty",
                self.sudo(),
                _("Warranty Certificates"),
            )
        ]

    def action_view_fulfilment_warranties(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_fulfilment.fulfilment_warranty_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"create": False}
        if self.fulfilment_warranty_count == 1:
            action.update(
                views=[(False, "form")], res_id=self.fulfilment_warranty_ids.id
            )
        return action


def add_business_days(start, days):
    """``start`` plus ``days`` business days (Monday to Friday), same time of day."""
    result = start
    while days > 0:
        result += timedelta(days=1)
        if result.weekday() < 5:
            days -= 1
    return result

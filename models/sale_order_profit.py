"""True per-order profit: revenue minus goods, courier, fees and other costs."""

from odoo import api, fields, models
from odoo.tools import (
    float_round,
)

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
        # Quotations, saved or not, have nothing delivered, shipped or refunded
        # yet: their profit comes from their lines, without a query (creating
        # an order costs no more than in Odoo). Confirmed orders ask the database.
        quotations = self.filtered(
            lambda order: not order.id or order.state in ("draft", "sent")
        )
        parts = (
            (self - quotations)._fulfilment_profit_parts() if self - quotations else {}
        )
        for order in quotations:
            parts[order.id] = order._fulfilment_profit_parts_unsaved()
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
        """The parts of :meth:`_fulfilment_profit_parts` for a quotation, saved
        or not, from its lines in memory."""
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

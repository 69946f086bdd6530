from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class FulfilmentPaymentPolicy(models.Model):
    """What a payment method costs and how long the customer has to pay.

    One policy per payment method and company: the fee (fixed + percent of the
    order total) lands in the order's profit, the delay gives the order's
    payment deadline, and offline methods may be cancelled automatically when
    the customer never pays.
    """

    _name = "fulfilment.payment.policy"
    _description = "Payment Method Fees and Deadline"
    _order = "company_id, sequence, id"

    sequence = fields.Integer(default=10)
    payment_method_id = fields.Many2one(
        "payment.method",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    fee_fixed = fields.Monetary(
        string="Fixed Fee",
        help="Charged per order by the payment provider or the courier (cash on "
        "delivery), in the company currency.",
    )
    fee_percent = fields.Float(
        string="Fee (%)",
        digits=(16, 4),
        help="Percentage of the order total (taxes included) charged per order.",
    )
    is_cash_on_delivery = fields.Boolean(
        string="Cash on Delivery",
        help="The courier collects the money: the fee is the cash-on-delivery fee "
        "and the order has no payment deadline before it is delivered.",
    )
    payment_delay = fields.Integer(
        help="Time the customer has to pay after the order is confirmed. "
        "0: no payment deadline.",
    )
    payment_delay_unit = fields.Selection(
        [("hours", "Hours"), ("business_days", "Business days")],
        string="Delay Unit",
        default="business_days",
        required=True,
        help="Hours for instant methods (cards), business days for bank transfers "
        "and cheques: the working days of the company's working calendar, its "
        "public holidays excluded.",
    )
    is_offline = fields.Boolean(
        string="Offline Payment",
        help="Bank transfer, cheque...: unpaid orders with this method may be "
        "cancelled automatically (Sales settings, Fulfilment).",
    )

    # What the shop charges the customer for the method (a line of the order,
    # revenue), apart from what the method costs the shop (the fees above).
    customer_fee_product_id = fields.Many2one(
        "product.product",
        string="Fee Product",
        domain="[('type', '=', 'service')]",
        help="Charge the customer a fee for this method: a line of this product "
        "is added to the order at checkout, with its taxes. Empty: no fee.",
    )
    customer_fee_fixed = fields.Monetary(
        string="Customer Fee",
        help="Fixed part of the fee charged to the customer, taxes included, in "
        "the company currency.",
    )
    customer_fee_percent = fields.Float(
        string="Customer Fee (%)",
        digits=(16, 4),
        help="Percentage of the order total (taxes and delivery included) added "
        "to the fee charged to the customer.",
    )
    customer_fee_min = fields.Monetary(
        string="Minimum Fee", help="The fee charged is never below this amount."
    )
    customer_fee_max = fields.Monetary(
        string="Maximum Fee",
        help="The fee charged is never above this amount. 0: no maximum.",
    )

    _sql_constraints = [
        (
            "method_company_uniq",
            "UNIQUE(payment_method_id, company_id)",
            "A payment method has one fee and deadline policy per company.",
        ),
    ]

    @api.constrains(
        "fee_fixed",
        "fee_percent",
        "payment_delay",
        "customer_fee_fixed",
        "customer_fee_percent",
        "customer_fee_min",
        "customer_fee_max",
    )
    def _check_positive(self):
        for policy in self:
            if (
                policy.fee_fixed < 0
                or policy.fee_percent < 0
                or policy.payment_delay < 0
                or policy.customer_fee_fixed < 0
                or policy.customer_fee_percent < 0
                or policy.customer_fee_min < 0
                or policy.customer_fee_max < 0
            ):
                raise ValidationError(
                    _(
                        "Fees and payment delay of %(method)s must be zero or more.",
                        method=policy.payment_method_id.name,
                    )
                )

    @api.constrains("customer_fee_min", "customer_fee_max")
    def _check_customer_fee_bounds(self):
        for policy in self:
            if (
                policy.customer_fee_max
                and policy.customer_fee_max < policy.customer_fee_min
            ):
                raise ValidationError(
                    _(
                        "The maximum fee of %(method)s is below its minimum fee.",
                        method=policy.payment_method_id.name,
                    )
                )

    def _fulfilment_customer_fee(self, total):
        """The fee charged to the customer on an order of ``total`` (taxes
        included, company currency, the fee itself left out); 0 without a fee
        product."""
        self.ensure_one()
        if not self.customer_fee_product_id:
            return 0.0
        fee = self.customer_fee_fixed + self.customer_fee_percent / 100.0 * total
        fee = max(fee, self.customer_fee_min)
        if self.customer_fee_max:
            fee = min(fee, self.customer_fee_max)
        return self.currency_id.round(fee)

    @api.depends("payment_method_id", "company_id")
    def _compute_display_name(self):
        for policy in self:
            policy.display_name = (
                f"{policy.payment_method_id.name} ({policy.company_id.name})"
            )

    @api.model_create_multi
    def create(self, vals_list):
        policies = super().create(vals_list)
        policies._fulfilment_recompute_orders()
        return policies

    def write(self, vals):
        result = super().write(vals)
        if {"payment_method_id", "company_id"} & set(vals):
            self._fulfilment_recompute_orders()
        return result

    def _fulfilment_recompute_orders(self):
        """Attach the open orders paid with these methods to their new policy."""
        orders = self.env["sale.order"].search(
            [
                ("fulfilment_payment_method_id", "in", self.payment_method_id.ids),
                ("company_id", "in", self.company_id.ids),
                ("state", "in", ("draft", "sent", "sale")),
            ]
        )
        self.env.add_to_compute(orders._fields["fulfilment_payment_policy_id"], orders)

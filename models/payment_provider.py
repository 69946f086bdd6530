from odoo import _, api, fields, models

from odoo.addons.payment import utils as payment_utils


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    custom_mode = fields.Selection(
        selection_add=[("cash_on_delivery", "Cash on Delivery")],
        ondelete={"cash_on_delivery": "set null"},
    )
    fulfilment_cash_on_delivery = fields.Boolean(
        string="Cash on Delivery",
        compute="_compute_fulfilment_cash_on_delivery",
        store=True,
        help="A custom provider in Cash on Delivery mode: the customer pays the "
        "courier, whose cash-on-delivery amount is the order's unpaid total. "
        "Offered at checkout only with delivery methods that collect payment.",
    )
    fulfilment_customer_type = fields.Selection(
        [
            ("all", "Persons and companies"),
            ("company", "Companies only"),
            ("person", "Persons only"),
        ],
        string="Offered To",
        default="all",
        required=True,
        help="Offer this payment method at checkout to every customer, only to "
        "companies (the invoice address is a company, e.g. bank order against a "
        "pro-forma invoice) or only to persons.",
    )
    fulfilment_send_proforma = fields.Boolean(
        string="E-mail the Pro-forma Invoice",
        help="When a customer chooses this method at checkout, e-mail the "
        "pro-forma invoice of the order, to pay by bank order.",
    )

    @api.depends("code", "custom_mode")
    def _compute_fulfilment_cash_on_delivery(self):
        for provider in self:
            provider.fulfilment_cash_on_delivery = (
                provider.code == "custom" and provider.custom_mode == "cash_on_delivery"
            )

    @api.model
    def _get_compatible_providers(
        self,
        company_id,
        partner_id,
        amount,
        *args,
        sale_order_id=None,
        report=None,
        **kwargs,
    ):
        """Cash on delivery only with a delivery method that collects payment;
        providers restricted to companies or to persons only for them."""
        providers = super()._get_compatible_providers(
            company_id,
            partner_id,
            amount,
            *args,
            sale_order_id=sale_order_id,
            report=report,
            **kwargs,
        )
        order = self.env["sale.order"].browse(sale_order_id).exists()
        # Chosen at checkout only: a confirmed order is not paid on delivery later.
        if (
            order.state not in ("draft", "sent")
            or not order._fulfilment_can_collect_cash()
        ):
            unfiltered = providers
            providers = providers.filtered(
                lambda provider: not provider.fulfilment_cash_on_delivery
            )
            payment_utils.add_to_report(
                report,
                unfiltered - providers,
                available=False,
                reason=_("the delivery method does not collect cash on delivery"),
            )
        customer = (
            order.partner_invoice_id or self.env["res.partner"].browse(partner_id)
        ).commercial_partner_id
        unfiltered = providers
        providers = providers.filtered(
            lambda provider: provider._fulfilment_offered_to(customer)
        )
        payment_utils.add_to_report(
            report,
            unfiltered - providers,
            available=False,
            reason=_("offered only to companies")
            if not customer.is_company
            else _("offered only to persons"),
        )
        return providers

    def _fulfilment_offered_to(self, customer):
        """Whether the provider may be offered to ``customer`` (a commercial
        partner): a company, or a person."""
        self.ensure_one()
        if self.fulfilment_customer_type == "company":
            return bool(customer.is_company)
        if self.fulfilment_customer_type == "person":
            return not customer.is_company
        return True

    def _get_default_payment_method_codes(self):
        default_codes = super()._get_default_payment_method_codes()
        if self.code == "custom" and self.custom_mode == "cash_on_delivery":
            return {"cash_on_delivery"}
        return default_codes

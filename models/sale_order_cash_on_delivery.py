"""Cash on delivery at checkout: offered only when the delivery collects."""

from odoo import _, models
from odoo.exceptions import ValidationError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _fulfilment_can_collect_cash(self):
        """Whether the order's delivery method collects the payment (cash on
        delivery, or payment at pickup). False for an empty recordset."""
        return len(self) == 1 and bool(
            self.carrier_id.fulfilment_collects_cash
            and self._has_deliverable_products()
        )

    def _fulfilment_check_checkout_provider(self, provider):
        """Refuse a payment the checkout would not have offered (forged request):
        cash on delivery without a collecting delivery, a provider reserved to
        companies or to persons for the other kind of customer."""
        self.ensure_one()
        if (
            provider.fulfilment_cash_on_delivery
            and not self._fulfilment_can_collect_cash()
        ):
            raise ValidationError(
                _(
                    "Cash on delivery is only possible with a delivery method that "
                    "collects it."
                )
            )
        if not provider._fulfilment_offered_to(
            self.partner_invoice_id.commercial_partner_id
        ):
            raise ValidationError(
                _("%s is not offered to this kind of customer.", provider.name)
            )

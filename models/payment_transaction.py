from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _fulfilment_paid_transactions(self):
        """The transactions that paid money: done, and not a card check."""
        return self.filtered(
            lambda tx: tx.state == "done" and tx.operation != "validation"
        )

    def _post_process(self):
        result = super()._post_process()
        orders = self._fulfilment_paid_transactions().sale_order_ids.filtered(
            lambda order: order.state == "sale"
        )
        orders.filtered(
            lambda order: order._fulfilment_is_paid()
        )._fulfilment_trigger_event("paid")
        return result

from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _fulfilment_paid_transactions(self):
        """The transactions that paid money: done, and not a card check."""
        return self.filtered(
            lambda tx: tx.state == "done" and tx.operation != "validation"
        )

    def _fulfilment_offline_pending(self):
        """Pending transactions of offline (custom) methods, not yet
        post-processed: bank transfer, cash on delivery."""
        return self.filtered(
            lambda tx: (
                tx.state == "pending"
                and tx.provider_code == "custom"
                and tx.operation != "validation"
                and not tx.is_post_processed
            )
        )

    def _post_process(self):
        offline = self._fulfilment_offline_pending()
        # Cash on delivery ships before the money comes: the order is confirmed
        # at checkout, as Odoo's own "pay on site" does.
        offline.filtered(
            lambda tx: tx.provider_id.fulfilment_cash_on_delivery
        ).sale_order_ids.filtered(
            lambda order: order.state in ("draft", "sent")
        ).with_context(send_email=True).action_confirm()
        result = super()._post_process()
        orders = self._fulfilment_paid_transactions().sale_order_ids.filtered(
            lambda order: order.state == "sale"
        )
        orders.filtered(
            lambda order: order._fulfilment_is_paid()
        )._fulfilment_trigger_event("paid")
        placed = offline.sale_order_ids.filtered(lambda order: order.state != "cancel")
        # A web order waiting for its bank transfer stays a quotation in Odoo
        # until the money comes, but the customer has committed to it: it is
        # "confirmed" for the fulfilment flow (Awaiting payment, deadline).
        placed.filtered(
            lambda order: order.state in ("draft", "sent")
        )._fulfilment_trigger_event("confirmed")
        placed._fulfilment_order_placed()
        for tx in offline.filtered(lambda tx: tx.provider_id.fulfilment_send_proforma):
            tx.sale_order_ids.filtered(
                lambda order: order.state != "cancel"
            )._fulfilment_send_proforma()
        return result

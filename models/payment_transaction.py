from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _post_process(self):
        result = super()._post_process()
        done = self.filtered(
            lambda tx: tx.state == "done" and tx.operation != "validation"
        )
        orders = done.sale_order_ids.filtered(lambda order: order.state == "sale")
        orders.filtered(
            lambda order: order._fulfilment_is_paid()
        )._fulfilment_trigger_event("paid")
        return result

from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _invoice_paid_hook(self):
        result = super()._invoice_paid_hook()
        orders = self.filtered(
            lambda move: move.is_invoice()
        ).line_ids.sale_line_ids.order_id
        orders.filtered(
            lambda order: order._fulfilment_is_paid()
        )._fulfilment_trigger_event("paid")
        return result

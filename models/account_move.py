from odoo import _, fields, models


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

    # Loss guard: posting an invoice of an order at a loss waits for a manager.
    def action_post(self):
        orders = self.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "draft"
        ).line_ids.sale_line_ids.order_id
        blocked = orders._fulfilment_loss_guard_check("invoice", _("Invoice posting"))
        if blocked:
            return blocked._fulfilment_loss_guard_action(invoices=self)
        return super().action_post()

    # ------------------------------------------------------------
    # Returns (RMA)
    # ------------------------------------------------------------

    fulfilment_rma_id = fields.Many2one(
        "fulfilment.rma",
        string="Return (RMA)",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )

    def action_view_fulfilment_rma(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "fulfilment.rma",
            "view_mode": "form",
            "res_id": self.fulfilment_rma_id.id,
        }

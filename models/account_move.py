from odoo import _, fields, models

from ..exceptions import FulfilmentLossError


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

    # Loss guard: posting an invoice of an order at a loss waits for a manager,
    # unless the customer has already paid it.
    def action_post(self):
        paid_orders = self._fulfilment_loss_guard_check_posting()
        result = super().action_post()
        paid_orders._fulfilment_loss_notify_paid(_("Invoice posting"))
        return result

    def action_fulfilment_post(self):
        """The Confirm/Post buttons of the invoice form.

        :meth:`action_post` as Odoo's buttons do it; when the loss guard
        refuses, the approval dialog opens instead of the error, which code
        calling ``action_post`` gets.
        """
        try:
            with self.env.cr.savepoint():
                return self.action_post()
        except FulfilmentLossError as error:
            error.orders._fulfilment_loss_block(error.action_label)
            return error.orders.with_env(self.env)._fulfilment_loss_guard_action(
                invoices=self
            )

    def _fulfilment_loss_guard_check_posting(self):
        """Refuse to post the invoices of orders at a loss.

        Read as superuser: whoever may post the invoice gets the guard's answer,
        even without access to the orders. An invoice the customer has already
        paid online (a done payment transaction) is never held: the money is
        in, the managers are told instead.

        :return: the orders at a loss whose invoices are posted because paid
        """
        invoices = self.sudo().filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "draft"
        )
        paid = invoices.filtered(
            lambda move: any(tx.state == "done" for tx in move.transaction_ids)
        )
        orders = invoices.line_ids.sale_line_ids.order_id
        paid_orders = paid.line_ids.sale_line_ids.order_id | orders.filtered(
            lambda order: order._fulfilment_is_paid()
        )
        (orders - paid_orders)._fulfilment_loss_guard_refuse(
            "invoice", _("Invoice posting")
        )
        return paid_orders._fulfilment_loss_guard_get_blocked("invoice")

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

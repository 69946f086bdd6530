from odoo import api, fields, models


class FulfilmentLossApproval(models.TransientModel):
    _name = "fulfilment.loss.approval"
    _description = "Approve an Order at a Loss"

    order_ids = fields.Many2many("sale.order", string="Orders", readonly=True)
    picking_ids = fields.Many2many(
        "stock.picking", string="Deliveries to Validate", readonly=True
    )
    invoice_ids = fields.Many2many(
        "account.move", string="Invoices to Post", readonly=True
    )
    message = fields.Text(compute="_compute_message")
    reason = fields.Text(help="Why the order may be completed at a loss.")
    can_approve = fields.Boolean(compute="_compute_can_approve")

    @api.depends("order_ids")
    def _compute_message(self):
        # Whoever was refused reads why, even without access to the orders
        # (a warehouse clerk validating a delivery).
        for wizard in self:
            wizard.message = wizard.sudo().order_ids._fulfilment_loss_guard_message()

    @api.depends_context("uid")
    def _compute_can_approve(self):
        can_approve = self.env.user.has_group("order_fulfilment.group_manager")
        for wizard in self:
            wizard.can_approve = can_approve

    def action_approve(self):
        """Record the approval, then validate or post what was refused as its
        button does: Odoo's own wizards (backorder...) follow if needed."""
        self.ensure_one()
        self.order_ids._fulfilment_approve_loss(self.reason)
        if self.picking_ids:
            return self.picking_ids.action_fulfilment_validate()
        if self.invoice_ids:
            return self.invoice_ids.action_fulfilment_post()
        return True

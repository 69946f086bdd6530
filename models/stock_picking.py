from odoo import _, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _pre_action_done_hook(self):
        # Loss guard: a delivery of an order at a loss waits for a manager.
        deliveries = self.filtered(
            lambda picking: picking.picking_type_code == "outgoing" and picking.sale_id
        )
        blocked = deliveries.sale_id._fulfilment_loss_guard_check(
            "delivery", _("Delivery validation")
        )
        if blocked:
            return blocked._fulfilment_loss_guard_action(pickings=self)
        return super()._pre_action_done_hook()

    def _action_done(self):
        result = super()._action_done()
        self.sale_id.filtered(
            lambda order: order.is_delivery_overdue and order.delivery_status == "full"
        )._fulfilment_clear_overdue("delivery")
        return result

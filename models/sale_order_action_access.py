"""Back-office buttons of the order: rights checked before anything runs.

Several of these actions work as superuser further down (couriers, payments,
the status engine); whoever calls them by RPC must first be allowed to change
the order, which portal customers and pickers are not.
"""

from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _fulfilment_check_action_access(self):
        self.check_access("write")

    def action_confirm(self):
        self._fulfilment_check_action_access()
        return super().action_confirm()

    def action_fulfilment_accept_address(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_accept_address()

    def action_fulfilment_approve_loss(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_approve_loss()

    def action_fulfilment_cancel_unpaid(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_cancel_unpaid()

    def action_fulfilment_change_customer(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_change_customer()

    def action_fulfilment_change_status(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_change_status()

    def action_fulfilment_complete(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_complete()

    def action_fulfilment_manual_tracking(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_manual_tracking()

    def action_fulfilment_mark_paid(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_mark_paid()

    def action_fulfilment_order_again(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_order_again()

    def action_fulfilment_print_labels(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_print_labels()

    def action_fulfilment_recreate_awb(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_recreate_awb()

    def action_fulfilment_return(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_return()

    def action_fulfilment_send_to_courier(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_send_to_courier()

    def action_fulfilment_split_delivery(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_split_delivery()

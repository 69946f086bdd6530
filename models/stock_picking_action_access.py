"""Back-office buttons of deliveries: rights checked before anything runs.

The courier and pickup actions work as superuser further down; whoever calls
them by RPC must first be allowed to change the delivery. Pickers may not
(they go through the picking screen's own methods, which check their access
to the delivery), nor may portal customers.
"""

from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _fulfilment_check_action_access(self):
        self.check_access("write")

    def action_fulfilment_accept_address(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_accept_address()

    def action_fulfilment_cancel_awb(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_cancel_awb()

    def action_fulfilment_handover(self, code=None):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_handover(code=code)

    def action_fulfilment_manual_tracking(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_manual_tracking()

    def action_fulfilment_print_labels(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_print_labels()

    def action_fulfilment_ready_for_pickup(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_ready_for_pickup()

    def action_fulfilment_recreate_awb(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_recreate_awb()

    def action_fulfilment_refresh_tracking(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_refresh_tracking()

    def action_fulfilment_retry_label(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_retry_label()

    def action_fulfilment_send_to_courier(self):
        self._fulfilment_check_action_access()
        return super().action_fulfilment_send_to_courier()

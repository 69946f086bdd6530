from odoo.tests import tagged

from .common import BrowserTourCase
from .test_order_desk import DeskCourierCase


@tagged("post_install", "-at_install")
class TestOrderFormSendToCourierTour(DeskCourierCase, BrowserTourCase):
    def test_send_to_courier_shows_awb_without_reload(self):
        """On the order form, Send to Courier shows a notification with the
        AWB, and the form, reloaded by itself, shows the AWB and the status
        "Ready to ship"."""
        order = self._confirmed_order()
        self.start_tour(
            f"/odoo/sale.order/{order.id}",
            "order_fulfilment_send_to_courier",
            login="admin",
        )
        awb = order.picking_ids.carrier_tracking_ref
        self.assertTrue(awb)
        self.assertEqual(list(self.fake.shipments), [awb])

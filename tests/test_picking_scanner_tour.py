from odoo.tests import tagged

from .common import BrowserTourCase, PickingScannerCommon


@tagged("post_install", "-at_install")
class TestPickingScannerTour(PickingScannerCommon, BrowserTourCase):
    def test_picker_scans_delivery_in_browser(self):
        """A picker scans a delivery in the browser (wrong code, beyond demand),
        ships it short with a backorder, and the order lines show what left;
        then scans the last item of a second delivery and taps Validate at
        once: validation waits for that scan, which ships with the rest."""
        partner = self.env["res.partner"].create(
            {"name": "Tour Client", "street": "Str. Lunga 5", "city": "Cluj-Napoca"}
        )
        order, picking = self._create_delivery(
            {self.product: 3, self.cable: 2}, partner=partner
        )
        swift_order, swift_picking = self._create_delivery(
            {self.cable: 2},
            partner=self.env["res.partner"].create(
                {"name": "Swift Client", "street": "Str. Scurta 1", "city": "Iasi"}
            ),
        )

        self.start_tour(
            "/odoo", "order_fulfilment_picking_scanner", login="fulfilment_picker"
        )

        self.assertEqual(picking.state, "done")
        backorder = picking.backorder_ids
        self.assertEqual(backorder.move_ids.product_id, self.product)
        self.assertEqual(backorder.move_ids.product_uom_qty, 1)
        self.assertEqual(backorder.state, "assigned")
        earbuds, cable = order.order_line
        self.assertEqual(
            (earbuds.qty_delivered, earbuds.fulfilment_qty_remaining), (2, 1)
        )
        self.assertEqual(earbuds.fulfilment_shipping_status, "partial")
        self.assertEqual((cable.qty_delivered, cable.fulfilment_qty_remaining), (2, 0))
        self.assertEqual(cable.fulfilment_shipping_status, "shipped")

        # Validate tapped right after the last scan: both cables left, nothing
        # stayed behind in a backorder.
        self.assertEqual(swift_picking.state, "done")
        self.assertFalse(swift_picking.backorder_ids)
        self.assertEqual(swift_picking.move_ids.quantity, 2)
        self.assertEqual(swift_order.order_line.qty_delivered, 2)
        self.assertEqual(swift_order.order_line.fulfilment_shipping_status, "shipped")

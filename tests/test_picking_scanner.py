from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PickingScannerCommon


@tagged("post_install", "-at_install")
class TestPickingScan(PickingScannerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order, cls.picking = cls._create_delivery(
            {cls.product: 8, cls.cable: 2, cls.phone: 2}
        )
        cls.picking_as_picker = cls.picking.with_user(cls.picker)

    def test_ready_delivery_listed(self):
        """The list of the screen shows the ready delivery with its shipping name."""
        result = (
            self.env["stock.picking"]
            .with_user(self.picker)
            .fulfilment_scanner_pickings()
        )
        listed = {picking["name"]: picking for picking in result["pickings"]}
        self.assertIn(self.picking.name, listed)
        self.assertEqual(listed[self.picking.name]["shipping_name"], "Ana Client")
        self.assertIn(
            "Str. Victoriei 12", listed[self.picking.name]["shipping_address"]
        )
        self.assertEqual(listed[self.picking.name]["demand"], 12)

    def test_list_search_by_customer_and_order(self):
        """Customer name or order reference find the delivery, other names not."""
        pickings = self.env["stock.picking"].with_user(self.picker)
        by_customer = pickings.fulfilment_scanner_pickings(search="Ana Cli")["pickings"]
        by_order = pickings.fulfilment_scanner_pickings(search=self.order.name)[
            "pickings"
        ]
        other = pickings.fulfilment_scanner_pickings(search="Nobody Such")["pickings"]
        self.assertIn(self.picking.id, [p["id"] for p in by_customer])
        self.assertIn(self.picking.id, [p["id"] for p in by_order])
        self.assertNotIn(self.picking.id, [p["id"] for p in other])

    def test_list_filters_priority_and_carrier(self):
        """Priority filter: starred deliveries only; carrier filter: its own."""
        carrier = self.env["delivery.carrier"].search([], limit=1)
        pickings = self.env["stock.picking"].with_user(self.picker)
        self.assertNotIn(
            self.picking.id,
            [
                p["id"]
                for p in pickings.fulfilment_scanner_pickings(priority=True)["pickings"]
            ],
        )
        self.picking.priority = "1"
        self.assertIn(
            self.picking.id,
            [
                p["id"]
                for p in pickings.fulfilment_scanner_pickings(priority=True)["pickings"]
            ],
        )
        if carrier:
            listed = pickings.fulfilment_scanner_pickings(carrier_id=carrier.id)[
                "pickings"
            ]
            self.assertNotIn(self.picking.id, [p["id"] for p in listed])
            self.picking.carrier_id = carrier
            listed = pickings.fulfilment_scanner_pickings(carrier_id=carrier.id)[
                "pickings"
            ]
            self.assertIn(self.picking.id, [p["id"] for p in listed])

    def test_scan_product_increments_line(self):
        """A product barcode picks one unit of its line, saved on the move lines."""
        result = self.picking_as_picker.fulfilment_scan("5940000000011")
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(result["line"]["picked"], 1)
        move = self._move(self.picking, self.product)
        self.assertEqual(sum(move.move_line_ids.mapped("fulfilment_scanned_qty")), 1)
        self.assertEqual(move._fulfilment_picked_quantity(), 1)
        # The reservation is unchanged: what is not picked yet stays reserved.
        self.assertEqual(move.quantity, 8)
        self.assertEqual(result["picking"]["picked"], 1)

    def test_line_scanned_in_full_is_picked(self):
        """Once every reserved unit of a line is scanned, Odoo sees it picked."""
        for _i in range(2):
            result = self.picking_as_picker.fulfilment_scan("5940000000028")
            self.assertTrue(result["ok"], result["message"])
        move = self._move(self.picking, self.cable)
        self.assertTrue(move.picked)
        self.assertEqual(move.move_line_ids.filtered("picked").quantity, 2)
        self.assertEqual(move.quantity, 2)

    def test_unreserve_keeps_the_scans(self):
        """Unreserving a delivery being scanned keeps what was scanned, as
        picked; the rest of the delivery is unreserved."""
        for _i in range(3):
            self.picking_as_picker.fulfilment_scan("5940000000011")
        self.picking.do_unreserve()
        move = self._move(self.picking, self.product)
        self.assertEqual(move._fulfilment_picked_quantity(), 3)
        self.assertTrue(move.picked)
        self.assertFalse(self._move(self.picking, self.cable).move_line_ids)

    def test_cancel_releases_scanned_lines(self):
        """Cancelling a delivery being scanned releases its whole reservation,
        scanned units included."""
        for _i in range(8):
            self.picking_as_picker.fulfilment_scan("5940000000011")
        self.picking_as_picker.fulfilment_scan("5940000000028")
        self.picking.action_cancel()
        self.assertEqual(self.picking.state, "cancel")
        self.assertFalse(self.picking.move_line_ids)
        reserved = self.env["stock.quant"].search(
            [("product_id", "in", (self.product | self.cable).ids)]
        )
        self.assertFalse(any(reserved.mapped("reserved_quantity")))

    def test_scan_packaging_counts_its_quantity(self):
        """Scanning a packaging barcode picks the packaging's quantity."""
        result = self.picking_as_picker.fulfilment_scan("5940000000066")
        self.assertTrue(result["ok"])
        self.assertEqual(result["line"]["picked"], 6)
        self.assertEqual(
            self._move(self.picking, self.product)._fulfilment_picked_quantity(), 6
        )

    def test_scan_serial_picks_that_serial(self):
        """Scanning a serial number picks that very unit, once."""
        serial = self.serials[2]
        result = self.picking_as_picker.fulfilment_scan(serial.name)
        self.assertTrue(result["ok"])
        move = self._move(self.picking, self.phone)
        self.assertEqual(move.move_line_ids._fulfilment_scanned().lot_id, serial)
        self.assertEqual(result["line"]["picked_lots"], [serial.name])
        again = self.picking_as_picker.fulfilment_scan(serial.name)
        self.assertFalse(again["ok"])
        self.assertIn("already scanned", again["message"])
        self.assertEqual(move._fulfilment_picked_quantity(), 1)

    def test_scan_serial_product_barcode_refused(self):
        """A serial-tracked product asks for its serial number, not its barcode."""
        result = self.picking_as_picker.fulfilment_scan("5940000000035")
        self.assertFalse(result["ok"])
        self.assertIn("serial", result["message"])
        self.assertFalse(self._move(self.picking, self.phone).picked)

    def test_scan_wrong_product_refused(self):
        """A product that is not in the delivery is refused and nothing changes."""
        result = self.picking_as_picker.fulfilment_scan("5940000000042")
        self.assertFalse(result["ok"])
        self.assertIn("Wrong product", result["message"])
        self.assertFalse(self.picking.move_line_ids._fulfilment_scanned())

    def test_scan_unknown_code_refused(self):
        """An unknown code is refused and nothing changes."""
        result = self.picking_as_picker.fulfilment_scan("NO-SUCH-CODE")
        self.assertFalse(result["ok"])
        self.assertIn("Unknown barcode", result["message"])
        self.assertFalse(self.picking.move_line_ids._fulfilment_scanned())

    def test_scan_beyond_demand_refused(self):
        """Scanning more than ordered is refused; the picked quantity stays."""
        self.picking_as_picker.fulfilment_scan("5940000000028")
        self.picking_as_picker.fulfilment_scan("5940000000028")
        result = self.picking_as_picker.fulfilment_scan("5940000000028")
        self.assertFalse(result["ok"])
        self.assertIn("Too many", result["message"])
        self.assertEqual(result["line"]["picked"], 2)
        # A box of 6 on top of 3 of 8 would also go beyond the demand.
        for _i in range(3):
            self.picking_as_picker.fulfilment_scan("5940000000011")
        self.assertFalse(self.picking_as_picker.fulfilment_scan("5940000000066")["ok"])
        self.assertEqual(
            self._move(self.picking, self.product)._fulfilment_picked_quantity(), 3
        )

    def test_validate_complete(self):
        """A fully scanned delivery validates without question; order delivered."""
        for _i in range(8):
            self.picking_as_picker.fulfilment_scan("5940000000011")
        self.picking_as_picker.fulfilment_scan("5940000000028")
        self.picking_as_picker.fulfilment_scan("5940000000028")
        for serial in self.serials[:2]:
            self.picking_as_picker.fulfilment_scan(serial.name)
        result = self.picking_as_picker.fulfilment_scanner_validate()
        self.assertEqual(result["status"], "done")
        self.assertEqual(self.picking.state, "done")
        self.assertEqual(self.order.order_line.mapped("qty_delivered"), [8, 2, 2])
        # The goods left for the customer: the order is on its way.
        self.assertEqual(self.order.fulfilment_status_id, self.status_shipping)
        self.assertEqual(
            self.order.fulfilment_status_history_ids[:1].reason,
            f"Delivery {self.picking.name} validated",
        )

    def test_back_office_validation_ships_what_was_scanned(self):
        """Validated from the back office, a partly scanned delivery ships what
        was scanned and offers the backorder for the rest, as Odoo does."""
        for _i in range(3):
            self.picking_as_picker.fulfilment_scan("5940000000011")
        wizard_action = self.picking.with_user(self.operator).button_validate()
        self.assertEqual(wizard_action["res_model"], "stock.backorder.confirmation")
        move = self._move(self.picking, self.product)
        self.assertEqual(move.move_line_ids.filtered("picked").quantity, 3)
        self.assertFalse(self._move(self.picking, self.cable).picked)

    def test_validate_short_asks_then_backorder(self):
        """A short delivery asks first; with a backorder the rest waits apart."""
        for _i in range(5):
            self.picking_as_picker.fulfilment_scan("5940000000011")
        self.assertEqual(
            self.picking_as_picker.fulfilment_scanner_validate(), {"status": "short"}
        )
        self.assertEqual(self.picking.state, "assigned")
        result = self.picking_as_picker.fulfilment_scanner_validate(backorder=True)
        self.assertEqual(result["status"], "done")
        backorder = self.picking.backorder_ids
        self.assertEqual(result["backorders"], [backorder.name])
        self.assertEqual(self._move(self.picking, self.product).quantity, 5)
        self.assertEqual(self._move(backorder, self.product).product_uom_qty, 3)
        self.assertEqual(self._move(backorder, self.cable).product_uom_qty, 2)
        line = self.order.order_line.filtered(
            lambda line: line.product_id == self.product
        )
        self.assertEqual(line.qty_delivered, 5)

    def test_validate_short_without_backorder(self):
        """Without a backorder the rest is cancelled and no new delivery is created."""
        self.picking_as_picker.fulfilment_scan("5940000000028")
        self.picking_as_picker.fulfilment_scanner_validate(backorder=False)
        self.assertEqual(self.picking.state, "done")
        self.assertFalse(self.picking.backorder_ids)
        line = self.order.order_line.filtered(
            lambda line: line.product_id == self.cable
        )
        self.assertEqual(line.qty_delivered, 1)

    def test_validate_nothing_scanned_refused(self):
        """Validating before any scan is refused."""
        with self.assertRaises(UserError):
            self.picking_as_picker.fulfilment_scanner_validate()
        self.assertEqual(self.picking.state, "assigned")

import io

from pypdf import PdfReader

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import BrowserTourCase, PickingScannerCommon
from .test_bulk_print import page_text

LAMP = "5940000000073"
MUG = "5940000000080"


class BatchPickingCommon(PickingScannerCommon):
    """Two products stocked on two shelves, and three ready deliveries."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        stock = cls.warehouse.lot_stock_id
        Location = cls.env["stock.location"]
        cls.shelf_a = Location.create({"name": "A-01", "location_id": stock.id})
        cls.shelf_b = Location.create({"name": "B-07", "location_id": stock.id})
        Product = cls.env["product.product"]
        cls.lamp = Product.create(
            {
                "name": "Desk Lamp",
                "is_storable": True,
                "barcode": LAMP,
                "list_price": 50.0,
            }
        )
        cls.mug = Product.create(
            {
                "name": "Coffee Mug",
                "is_storable": True,
                "barcode": MUG,
                "list_price": 10.0,
            }
        )
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.lamp, cls.shelf_b, 20)
        Quant._update_available_quantity(cls.mug, cls.shelf_a, 20)
        Partner = cls.env["res.partner"]
        cls.order_a, cls.picking_a = cls._create_delivery(
            {cls.lamp: 2, cls.mug: 1},
            partner=Partner.create({"name": "Client A", "city": "Cluj"}),
        )
        cls.order_b, cls.picking_b = cls._create_delivery(
            {cls.lamp: 3}, partner=Partner.create({"name": "Client B", "city": "Iasi"})
        )
        cls.order_c, cls.picking_c = cls._create_delivery(
            {cls.mug: 2}, partner=Partner.create({"name": "Client C", "city": "Arad"})
        )
        cls.pickings = cls.picking_a | cls.picking_b | cls.picking_c

    def _batch(self, pickings=None):
        return self.env["stock.picking.batch"].create(
            {"picking_ids": [(6, 0, (pickings or self.pickings).ids)]}
        )


@tagged("post_install", "-at_install")
class TestBatchPickList(BatchPickingCommon):
    def test_totes_numbered_in_batch(self):
        """Deliveries joining a batch get the next tote numbers; one leaving it
        loses its tote and a newcomer takes the next free number."""
        batch = self._batch()
        self.assertEqual(
            [self.picking_a.fulfilment_tote, self.picking_b.fulfilment_tote],
            [1, 2],
        )
        self.assertEqual(self.picking_c.fulfilment_tote, 3)
        self.picking_b.batch_id = False
        self.assertEqual(self.picking_b.fulfilment_tote, 0)
        _order, late = self._create_delivery({self.mug: 1})
        batch.picking_ids |= late
        self.assertEqual(late.fulfilment_tote, 4)
        self.assertEqual(self.picking_a.fulfilment_tote, 1)

    def test_pick_list_sums_per_product_in_walking_order(self):
        """The batch's pick list has one line per shelf and product, the
        quantity summed over the deliveries, with what goes into each tote,
        in walking order (shelf A-01 before B-07)."""
        batch = self._batch()
        lines = batch._fulfilment_pick_list_lines()
        self.assertEqual(
            [(line["location"], line["product"], line["quantity"]) for line in lines],
            [(self.shelf_a, self.mug, 3.0), (self.shelf_b, self.lamp, 5.0)],
        )
        mug, lamp = lines
        self.assertEqual(
            [(d["picking"], d["tote"], d["quantity"]) for d in mug["deliveries"]],
            [(self.picking_a, 1, 1.0), (self.picking_c, 3, 2.0)],
        )
        self.assertEqual(
            [(d["picking"], d["tote"], d["quantity"]) for d in lamp["deliveries"]],
            [(self.picking_a, 1, 2.0), (self.picking_b, 2, 3.0)],
        )

    def test_pick_list_a4_and_80mm(self):
        """The pick list prints on A4 (totes, then the walk with the summed
        quantities) and on 80 mm paper as the company chooses; the picking
        screen's route gives the same document to a picker."""
        batch = self._batch()
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        self.company.fulfilment_thermal_pick_list = False
        report = batch._fulfilment_pick_list_report()
        content, _type = Report._render_qweb_pdf(report, batch.ids)
        pdf = PdfReader(io.BytesIO(content))
        self.assertAlmostEqual(float(pdf.pages[0].mediabox.width), 595, delta=2)
        text = " ".join(page_text(page) for page in pdf.pages)
        self.assertIn(batch.name, text)
        self.assertIn("Desk Lamp", text)
        self.assertRegex(text, r"Tote 2 ?: 3\.00 \(" + self.picking_b.name)
        self.assertLess(text.index("A-01"), text.index("B-07"))
        self.company.fulfilment_thermal_pick_list = True
        report = batch._fulfilment_pick_list_report()
        self.assertEqual(
            report,
            self.env.ref(
                "order_fulfilment.action_report_fulfilment_batch_pick_list_thermal"
            ),
        )
        content, _type = Report._render_qweb_pdf(report, batch.ids)
        pdf = PdfReader(io.BytesIO(content))
        self.assertAlmostEqual(float(pdf.pages[0].mediabox.width), 226.77, places=1)
        text = " ".join(page_text(page) for page in pdf.pages)
        self.assertRegex(text, r"Coffee Mug 3\.00 Units T1 ?×1\.00, T3 ?×2\.00")


@tagged("post_install", "-at_install")
class TestBatchScanner(BatchPickingCommon):
    def setUp(self):
        super().setUp()
        self.batch = self._batch()
        self.as_picker = self.batch.with_user(self.picker)

    def _scanned(self, picking, product):
        return sum(
            self._move(picking, product).move_line_ids.mapped("fulfilment_scanned_qty")
        )

    def test_picker_creates_batch_from_screen(self):
        """A picker ticks two ready deliveries on the screen: they become a
        batch of theirs in progress, listed instead of the two deliveries."""
        self.batch.picking_ids = False
        Batch = self.env["stock.picking.batch"].with_user(self.picker)
        header = Batch.fulfilment_scanner_create((self.picking_a | self.picking_c).ids)
        batch = Batch.browse(header["id"])
        self.assertEqual(batch.state, "in_progress")
        self.assertEqual(batch.user_id, self.picker)
        self.assertEqual(batch.picking_ids, self.picking_a | self.picking_c)
        self.assertEqual(header["delivery_count"], 2)
        listing = (
            self.env["stock.picking"]
            .with_user(self.picker)
            .fulfilment_scanner_pickings()
        )
        listed = [picking["id"] for picking in listing["pickings"]]
        self.assertNotIn(self.picking_a.id, listed)
        self.assertIn(self.picking_b.id, listed)
        self.assertIn(batch.id, [b["id"] for b in listing["batches"]])
        with self.assertRaisesRegex(UserError, "already in batch"):
            Batch.fulfilment_scanner_create((self.picking_a | self.picking_b).ids)

    def test_scan_goes_to_the_delivery_that_needs_it(self):
        """Each lamp scanned goes to the first tote still needing one: two into
        tote 1 (delivery A), three into tote 2 (B); a sixth is refused."""
        totes = []
        for _scan in range(5):
            result = self.as_picker.fulfilment_scan(LAMP)
            self.assertTrue(result["ok"], result["message"])
            totes.append((result["delivery"]["tote"], result["delivery"]["name"]))
        self.assertEqual(
            totes,
            [(1, self.picking_a.name)] * 2 + [(2, self.picking_b.name)] * 3,
        )
        self.assertEqual(self._scanned(self.picking_a, self.lamp), 2)
        self.assertEqual(self._scanned(self.picking_b, self.lamp), 3)
        self.assertEqual(result["line"]["picked"], 5)
        self.assertEqual(result["batch"]["picked"], 5)
        refused = self.as_picker.fulfilment_scan(LAMP)
        self.assertFalse(refused["ok"])
        self.assertIn("Too many", refused["message"])
        self.assertEqual(self._scanned(self.picking_b, self.lamp), 3)

    def test_scan_mug_skips_the_delivery_without_mugs(self):
        """A mug goes to tote 1 (A needs one), then to tote 3 (C), never into
        tote 2, whose delivery has no mug."""
        first = self.as_picker.fulfilment_scan(MUG)
        second = self.as_picker.fulfilment_scan(MUG)
        self.assertEqual(first["delivery"]["id"], self.picking_a.id)
        self.assertEqual(second["delivery"]["id"], self.picking_c.id)
        self.assertEqual(second["delivery"]["tote"], 3)
        self.assertEqual(self._scanned(self.picking_c, self.mug), 1)

    def test_scan_of_something_else_is_refused(self):
        """A product outside the batch or an unknown code changes nothing and
        names the batch."""
        wrong = self.as_picker.fulfilment_scan("5940000000042")
        self.assertFalse(wrong["ok"])
        self.assertIn("Phone Case", wrong["message"])
        self.assertIn(self.batch.name, wrong["message"])
        unknown = self.as_picker.fulfilment_scan("NOPE-1")
        self.assertIn("Unknown barcode", unknown["message"])
        self.assertEqual(unknown["batch"]["picked"], 0)

    def test_serial_goes_once_to_the_delivery_that_reserved_it(self):
        """A serial number goes to the delivery that reserved it, and cannot
        be scanned a second time into another delivery of the batch."""
        _order, first = self._create_delivery({self.phone: 1})
        _order, second = self._create_delivery({self.phone: 1})
        batch = self._batch(first | second).with_user(self.picker)
        reserved = second.move_line_ids.lot_id
        result = batch.fulfilment_scan(reserved.name)
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(result["delivery"]["id"], second.id)
        again = batch.fulfilment_scan(reserved.name)
        self.assertFalse(again["ok"])
        self.assertIn("already scanned", again["message"])

    def test_validate_ships_each_scanned_delivery(self):
        """Validation ships each delivery with something scanned on its own;
        the one with nothing scanned leaves the batch, ready to pick."""
        for _scan in range(5):
            self.as_picker.fulfilment_scan(LAMP)
        self.as_picker.fulfilment_scan(MUG)
        result = self.as_picker.fulfilment_scanner_validate()
        self.assertEqual(result["status"], "done")
        self.assertEqual(self.picking_a.state, "done")
        self.assertEqual(self.picking_b.state, "done")
        self.assertEqual(
            [d["name"] for d in result["shipped"]],
            [self.picking_a.name, self.picking_b.name],
        )
        self.assertEqual(result["left_out"], [self.picking_c.name])
        self.assertEqual(self.picking_c.state, "assigned")
        self.assertFalse(self.picking_c.batch_id)
        self.assertEqual(self.order_a.order_line.mapped("qty_delivered"), [2, 1])
        self.assertEqual(self.order_a.fulfilment_status_id, self.status_shipping)
        self.assertEqual(self.order_b.fulfilment_status_id, self.status_shipping)
        self.assertNotEqual(self.order_c.fulfilment_status_id, self.status_shipping)

    def test_short_delivery_asks_then_keeps_a_backorder(self):
        """A delivery short of an item is named before validating; with a
        backorder the rest waits in a new delivery."""
        for _scan in range(4):
            self.as_picker.fulfilment_scan(LAMP)
        self.as_picker.fulfilment_scan(MUG)
        self.as_picker.fulfilment_scan(MUG)
        self.as_picker.fulfilment_scan(MUG)
        result = self.as_picker.fulfilment_scanner_validate()
        self.assertEqual(result, {"status": "short", "short": [self.picking_b.name]})
        self.assertEqual(self.picking_b.state, "assigned")
        result = self.as_picker.fulfilment_scanner_validate(backorder=True)
        self.assertEqual(result["status"], "done")
        self.assertEqual(self.pickings.mapped("state"), ["done"] * 3)
        backorder = self.picking_b.backorder_ids
        self.assertEqual(result["backorders"], [backorder.name])
        self.assertEqual(backorder.move_ids.product_uom_qty, 1)

    def test_nothing_scanned_is_refused(self):
        """Validating a batch with nothing scanned is refused and ships nothing."""
        with self.assertRaisesRegex(UserError, "Scan at least one item"):
            self.as_picker.fulfilment_scanner_validate()
        self.assertEqual(set(self.pickings.mapped("state")), {"assigned"})


@tagged("post_install", "-at_install")
class TestBatchCourier(BatchPickingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The shipment bookkeeping is written through its own cursor so that it
        # survives rollbacks; in tests that cursor shares the test transaction.
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.carrier = cls._create_fan_carrier(integration_level="rate_and_ship")
        (cls.picking_a | cls.picking_b | cls.picking_c).partner_id.write(
            {
                "street": "Str. Lunga 5",
                "city": "Cluj-Napoca",
                "zip": "400001",
                "phone": "+40 721 000 222",
                "state_id": cls.env.ref("base.RO_CJ").id,
                "country_id": cls.env.ref("base.ro").id,
            }
        )

    def test_each_delivery_gets_its_own_awb(self):
        """A batch validated ships each delivery with its own AWB from its
        courier."""
        (self.picking_a | self.picking_b).carrier_id = self.carrier
        self.fake.reset()
        batch = self._batch(self.picking_a | self.picking_b).with_user(self.picker)
        for _scan in range(5):
            batch.fulfilment_scan(LAMP)
        batch.fulfilment_scan(MUG)
        result = batch.fulfilment_scanner_validate()
        awbs = [delivery["awb"] for delivery in result["shipped"]]
        self.assertTrue(all(awbs))
        self.assertEqual(len(set(awbs)), 2)
        self.assertEqual(set(self.fake.shipments), set(awbs))
        self.assertEqual(self.picking_a.carrier_tracking_ref, awbs[0])


@tagged("post_install", "-at_install")
class TestBatchScannerTour(BatchPickingCommon, BrowserTourCase):
    def test_picker_picks_a_batch_in_browser(self):
        """On the screen a picker ticks deliveries A and B, picks them together
        (each scan says which tote), validates, and both leave on their own."""
        self.start_tour(
            "/odoo", "order_fulfilment_picking_scanner_batch", login="fulfilment_picker"
        )
        self.assertEqual(self.picking_a.state, "done")
        self.assertEqual(self.picking_b.state, "done")
        self.assertEqual(self.picking_a.batch_id.user_id, self.picker)
        self.assertEqual(self.order_a.order_line.mapped("qty_delivered"), [2, 1])
        self.assertEqual(self.order_b.order_line.qty_delivered, 3)
        self.assertEqual(self.picking_c.state, "assigned")

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import BrowserTourCase, PickingScannerCommon


@tagged("post_install", "-at_install")
class TestPickingScannerAwb(PickingScannerCommon, BrowserTourCase):
    """AWB labels on the picking screen, with a courier on 127.0.0.1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier = cls._create_fan_carrier()
        cls.customer.write({"state_id": cls.env.ref("base.RO_B").id})

    def setUp(self):
        super().setUp()
        self.fake.reset()
        self.order, self.picking = self._create_delivery({self.cable: 2})
        self.picking.carrier_id = self.carrier
        self.as_picker = self.picking.with_user(self.picker)

    def test_picker_creates_awb_once(self):
        """A picker creates the AWB from the screen; a second request is refused
        and the courier still has one parcel."""
        header = self.as_picker.fulfilment_scanner_data()
        self.assertTrue(header["can_create_awb"])
        self.assertFalse(header["has_label"])
        header = self.as_picker.fulfilment_scanner_create_awb()
        self.assertTrue(header["awb"])
        self.assertEqual(header["awb"], self.picking.carrier_tracking_ref)
        self.assertTrue(header["has_label"])
        self.assertFalse(header["can_create_awb"])
        self.assertEqual(list(self.fake.shipments), [header["awb"]])
        with self.assertRaisesRegex(UserError, "already has the AWB"):
            self.as_picker.fulfilment_scanner_create_awb()
        self.assertEqual(len(self.fake.shipments), 1)

    def test_picker_creates_awb_in_browser(self):
        """On the screen, Create AWB gets one AWB from the courier and then shows
        a link to its label PDF for the picker to tap; nothing is opened by
        script after the courier answered (phones block such pop-ups)."""
        self.start_tour(
            "/odoo", "order_fulfilment_picking_scanner_awb", login="fulfilment_picker"
        )
        self.assertEqual(list(self.fake.shipments), [self.picking.carrier_tracking_ref])
        self.assertTrue(self.picking.fulfilment_label_id)

    def test_picker_prints_label_pdf(self):
        """The label route gives a picker the AWB label PDF of a delivery, a 404
        when the delivery has no label, and refuses a transfer they may not read."""
        self.authenticate("fulfilment_picker", "fulfilment_picker")
        url = f"/fulfilment/picking/{self.picking.id}/label"
        response = self.url_open(url)
        self.assertEqual(response.status_code, 404)
        self.as_picker.fulfilment_scanner_create_awb()
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF-"))
        receipt_type = self.warehouse.in_type_id
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": receipt_type.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.warehouse.lot_stock_id.id,
            }
        )
        self.assertEqual(
            self.url_open(f"/fulfilment/picking/{receipt.id}/label").status_code, 403
        )

    def test_validated_delivery_keeps_its_awb_and_ships_the_order(self):
        """Validating after the AWB keeps it (no second parcel), answers with the
        header for the shipped screen and moves the order to Shipping."""
        awb = self.as_picker.fulfilment_scanner_create_awb()["awb"]
        for _i in range(2):
            self.as_picker.fulfilment_scan("5940000000028")
        result = self.as_picker.fulfilment_scanner_validate()
        self.assertEqual(result["status"], "done")
        self.assertEqual(result["picking"]["awb"], awb)
        self.assertTrue(result["picking"]["has_label"])
        self.assertEqual(len(self.fake.shipments), 1)
        self.assertEqual(self.order.fulfilment_status_id, self.status_shipping)

    def test_delivery_without_courier_offers_no_awb(self):
        """A delivery whose carrier has no courier API cannot create an AWB."""
        self.picking.carrier_id = False
        header = self.as_picker.fulfilment_scanner_data()
        self.assertFalse(header["can_create_awb"])
        with self.assertRaisesRegex(UserError, "has no carrier"):
            self.as_picker.fulfilment_scanner_create_awb()

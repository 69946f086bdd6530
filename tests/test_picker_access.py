from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import PickingScannerCommon


@tagged("post_install", "-at_install")
class TestPickerAccess(PickingScannerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order, cls.picking = cls._create_delivery({cls.product: 2})
        receipt_type = cls.warehouse.in_type_id
        cls.receipt = cls.env["stock.picking"].create(
            {
                "picking_type_id": receipt_type.id,
                "location_id": cls.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": cls.warehouse.lot_stock_id.id,
            }
        )
        cls.env_picker = cls.env(user=cls.picker)

    def test_home_action_is_the_picking_screen(self):
        """A picker logs in straight to the picking screen."""
        self.assertEqual(
            self.picker.action_id.id,
            self.env.ref("order_fulfilment.action_picking_scanner").id,
        )
        self.assertFalse(self.operator.action_id)

    def test_sale_order_refused(self):
        """A picker cannot read sale orders nor their lines."""
        with self.assertRaises(AccessError):
            self.order.with_user(self.picker).read(["name"])
        with self.assertRaises(AccessError):
            self.order.order_line.with_user(self.picker).read(["price_unit"])

    def test_product_prices_refused(self):
        """A picker reads the products of deliveries, never their prices."""
        product = self.product.with_user(self.picker)
        self.assertEqual(product.read(["name"])[0]["name"], "Wireless Earbuds")
        for field in ("list_price", "lst_price", "standard_price"):
            with self.assertRaises(AccessError):
                product.read([field])
        with self.assertRaises(AccessError):
            product.product_tmpl_id.read(["list_price"])
        with self.assertRaises(AccessError):
            self.env_picker["product.product"].search([("list_price", ">", 0)])
        self.assertNotIn("list_price", product.check_field_access_rights("read", None))
        with self.assertRaises(AccessError):
            self.picking.move_ids.with_user(self.picker).read(["price_unit"])

    def test_products_outside_deliveries_refused(self):
        """Products never delivered are out of a picker's reach."""
        with self.assertRaises(AccessError):
            self.not_ordered.with_user(self.picker).read(["name"])

    def test_customer_details_refused(self):
        """A picker cannot read the customer (e-mail, phone); the screen shows the
        shipping name and address only."""
        with self.assertRaises(AccessError):
            self.customer.with_user(self.picker).read(["email"])
        self.assertFalse(
            self.env_picker["res.partner"].search(
                [("email", "=", "ana.client@example.com")]
            )
        )
        header = self.picking.with_user(self.picker).fulfilment_scanner_data()
        self.assertEqual(header["shipping_name"], "Ana Client")
        self.assertNotIn("ana.client@example.com", str(header))
        self.assertNotIn("721", str(header))

    def test_only_delivery_pickings(self):
        """A picker reaches deliveries, not receipts nor their moves."""
        pickings = self.env_picker["stock.picking"].search([])
        self.assertIn(self.picking, pickings)
        self.assertNotIn(self.receipt, pickings)
        with self.assertRaises(AccessError):
            self.receipt.with_user(self.picker).read(["name"])
        with self.assertRaises(AccessError):
            self.receipt.with_user(self.picker).fulfilment_scan("5940000000011")

    def test_settings_refused(self):
        """A picker cannot open the settings nor change a picking type."""
        with self.assertRaises(AccessError):
            self.env_picker["res.config.settings"].create({})
        with self.assertRaises(AccessError):
            self.warehouse.out_type_id.with_user(self.picker).write({"name": "Changed"})

    def test_staff_picker_keeps_staff_access(self):
        """A stock user who is also a picker keeps reading customers and receipts."""
        self.operator.groups_id |= self.env.ref("order_fulfilment.group_picker")
        self.assertEqual(
            self.customer.with_user(self.operator).email, "ana.client@example.com"
        )
        self.receipt.with_user(self.operator).read(["name"])
        self.assertFalse(self.operator.action_id)


@tagged("post_install", "-at_install")
class TestPickerDeliverySlip(PickingScannerCommon, HttpCase):
    def test_picker_prints_delivery_slip(self):
        """A picker downloads the slip of a delivery, not of another picking."""
        _order, picking = self._create_delivery({self.product: 1})
        self.authenticate("fulfilment_picker", "fulfilment_picker")
        response = self.url_open(f"/fulfilment/picking/{picking.id}/delivery_slip")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        # Under tests Odoo renders reports as HTML instead of calling wkhtmltopdf.
        self.assertIn(picking.name, response.text)
        self.assertIn("Ana Client", response.text)
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.warehouse.lot_stock_id.id,
            }
        )
        response = self.url_open(f"/fulfilment/picking/{receipt.id}/delivery_slip")
        self.assertNotEqual(response.status_code, 200)

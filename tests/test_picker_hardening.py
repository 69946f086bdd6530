import re

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PickingScannerCommon

# Told apart here on their own (not with the addon's rule), so that a money
# field the addon's rule misses makes these tests fail.
MONEY_WORDS = re.compile(r"price|cost|value|amount|margin|tariff")

# The models a picker reads on the picking screen and in the back office.
PICKER_MODELS = (
    "stock.picking",
    "stock.move",
    "stock.move.line",
    "stock.lot",
    "stock.quant",
    "stock.picking.batch",
    "product.product",
    "product.template",
)


@tagged("post_install", "-at_install")
class TestPickerOverDelivery(PickingScannerCommon):
    """Pickers change quantities through the scan only; no delivery ships
    more than ordered, whoever validates it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order, cls.picking = cls._create_delivery({cls.product: 1})
        cls.move = cls._move(cls.picking, cls.product)

    def test_picker_cannot_write_move_lines(self):
        """A picker can neither change, add nor delete a move line by RPC."""
        line = self.move.move_line_ids.with_user(self.picker)
        with self.assertRaises(AccessError):
            line.write({"quantity": 3, "picked": True})
        with self.assertRaises(AccessError):
            line.create(
                {
                    "move_id": self.move.id,
                    "picking_id": self.picking.id,
                    "product_id": self.product.id,
                    "location_id": self.move.location_id.id,
                    "location_dest_id": self.move.location_dest_id.id,
                    "quantity": 3,
                    "picked": True,
                }
            )
        with self.assertRaises(AccessError):
            line.unlink()
        self.assertEqual(self.move.quantity, 1)

    def test_picker_cannot_write_moves(self):
        """A picker cannot change a move (address, description, quantities)."""
        move = self.move.with_user(self.picker)
        for values in (
            {"partner_id": self.picker.partner_id.id},
            {"description_picking": "changed"},
            {"quantity": 3},
            {"picked": True},
        ):
            with self.assertRaises(AccessError, msg=str(values)):
                move.write(values)

    def test_scan_still_records_for_picker(self):
        """The scan RPC records the picker's scan, and validation ships it."""
        picking = self.picking.with_user(self.picker)
        result = picking.fulfilment_scan("5940000000011")
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(result["line"]["picked"], 1)
        self.assertEqual(picking.fulfilment_scanner_validate()["status"], "done")
        self.assertEqual(self.picking.state, "done")
        self.assertEqual(self.move.quantity, 1)

    def test_scanner_validation_refuses_over_delivery(self):
        """A picked quantity above the demand (written by anyone) is refused by
        the picking screen's validation: nothing ships, no certificate."""
        self.move.move_line_ids.write({"quantity": 3, "picked": True})
        with self.assertRaisesRegex(UserError, "cannot ship more than ordered"):
            self.picking.with_user(self.picker).fulfilment_scanner_validate()
        self.assertEqual(self.picking.state, "assigned")
        self.assertFalse(self.order.fulfilment_warranty_ids)
        self.assertEqual(self.order.order_line.qty_delivered, 0)

    def test_batch_validation_refuses_over_delivery(self):
        """The batch mode of the picking screen refuses a delivery with more
        picked than ordered too: nothing ships."""
        batch = self.env["stock.picking.batch"].create(
            {"picking_ids": [(6, 0, self.picking.ids)]}
        )
        self.move.move_line_ids.write({"quantity": 2, "picked": True})
        with self.assertRaisesRegex(UserError, "cannot ship more than ordered"):
            batch.with_user(self.picker).fulfilment_scanner_validate()
        self.assertEqual(self.picking.state, "assigned")
        self.assertEqual(self.order.order_line.qty_delivered, 0)


@tagged("post_install", "-at_install")
class TestPickerSeesNoPrice(PickingScannerCommon):
    """Every money field of what a picker reads is refused, and vendor prices
    and price lists are out of reach."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order, cls.picking = cls._create_delivery({cls.product: 1, cls.phone: 1})
        cls.batch = cls.env["stock.picking.batch"].create(
            {"picking_ids": [Command.link(cls.picking.id)]}
        )
        cls.env["product.supplierinfo"].create(
            {
                "partner_id": cls.customer.id,
                "product_tmpl_id": cls.product.product_tmpl_id.id,
                "price": 42.0,
            }
        )
        pricelist = cls.env["product.pricelist"].create({"name": "Resellers"})
        cls.env["product.pricelist.item"].create(
            {
                "pricelist_id": pricelist.id,
                "applied_on": "1_product",
                "product_tmpl_id": cls.product.product_tmpl_id.id,
                "fixed_price": 70.0,
            }
        )

    def _money_fields(self, model):
        return [
            name
            for name, field in self.env[model]._fields.items()
            if field.type == "monetary"
            or (field.type == "float" and MONEY_WORDS.search(name))
        ]

    def test_money_fields_refused(self):
        """Reading any money field (by type or name) of the models a picker
        reads is refused, the issue's examples among them."""
        env = self.env(user=self.picker)
        seen = set()
        for model in PICKER_MODELS:
            record = env[model].search([], limit=1)
            self.assertTrue(record, f"the picker reads some {model}")
            for name in self._money_fields(model):
                seen.add(f"{model}.{name}")
                with self.assertRaises(AccessError, msg=f"{model}.{name}"):
                    record.read([name])
        for expected in (
            "product.product.avg_cost",
            "product.product.total_value",
            "product.product.value_svl",
            "product.product.standard_price",
            "stock.picking.carrier_price",
            "stock.picking.fulfilment_courier_price",
            "stock.picking.fulfilment_cod_amount",
            "stock.move.price_unit",
        ):
            self.assertIn(expected, seen)

    def test_money_fields_left_out_of_full_reads(self):
        """Reading a record without naming fields leaves the money fields out."""
        picking = self.picking.with_user(self.picker)
        values = picking.read()[0]
        for name in (
            "carrier_price",
            "fulfilment_courier_price",
            "fulfilment_cod_amount",
        ):
            self.assertNotIn(name, values)
        self.assertEqual(values["name"], self.picking.name)

    def test_money_fields_not_searchable(self):
        """A picker cannot guess prices by searching on them."""
        env = self.env(user=self.picker)
        with self.assertRaises(AccessError):
            env["stock.picking"].search([("fulfilment_cod_amount", ">", 0)])
        with self.assertRaises(AccessError):
            env["stock.move"].search([("price_unit", ">", 0)])

    def test_vendor_prices_and_price_lists_refused(self):
        """Vendor prices and price list rules are refused to pickers, not to staff."""
        env = self.env(user=self.picker)
        self.assertFalse(env["product.supplierinfo"].search([]))
        self.assertFalse(env["product.pricelist.item"].search([]))
        supplierinfo = self.env["product.supplierinfo"].search([], limit=1)
        with self.assertRaises(AccessError):
            supplierinfo.with_user(self.picker).read(["price"])
        item = self.env["product.pricelist.item"].search([], limit=1)
        with self.assertRaises(AccessError):
            item.with_user(self.picker).read(["fixed_price"])
        self.assertTrue(self.env(user=self.operator)["product.supplierinfo"].search([]))

    def test_picking_screen_still_works(self):
        """The picking screen's list and delivery open for the picker."""
        env = self.env(user=self.picker)
        listed = env["stock.picking"].fulfilment_scanner_pickings()
        self.assertNotIn(self.picking.id, [p["id"] for p in listed["pickings"]])
        self.assertIn(self.batch.id, [b["id"] for b in listed["batches"]])
        data = self.picking.with_user(self.picker).fulfilment_scanner_data()
        self.assertEqual(data["shipping_name"], "Ana Client")
        self.assertNotIn("price", str(data).lower())


@tagged("post_install", "-at_install")
class TestPickerSeesNoCustomer(PickingScannerCommon):
    """Pickers get the shipping name and address on the screen and the slip
    only: not the customer, the order, the chatter nor the followers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order, cls.picking = cls._create_delivery({cls.product: 1})
        cls.picking.message_subscribe(partner_ids=cls.customer.ids)
        cls.picking.message_post(body="Customer called about the parcel")

    def test_picking_customer_and_order_refused(self):
        """The picking's customer and order are refused, even their names."""
        picking = self.picking.with_user(self.picker)
        for name in ("partner_id", "sale_id"):
            with self.assertRaises(AccessError, msg=name):
                picking.read([name])
        readable = picking.check_field_access_rights("read", None)
        self.assertNotIn("partner_id", readable)
        self.assertNotIn("sale_id", readable)
        values = picking.read(["name", "origin", "state", "location_dest_id"])[0]
        self.assertNotIn("Ana Client", str(values))
        with self.assertRaises(AccessError):
            self.env["stock.picking"].with_user(self.picker).search(
                [("partner_id.name", "ilike", "Ana")]
            )

    def test_move_line_customer_refused(self):
        """The move lines' and moves' customer are refused."""
        with self.assertRaises(AccessError):
            self.picking.move_line_ids.with_user(self.picker).read(
                ["picking_partner_id"]
            )
        with self.assertRaises(AccessError):
            self.picking.move_ids.with_user(self.picker).read(["partner_id"])

    def test_followers_and_chatter_refused(self):
        """The delivery's followers (customer e-mail) and chatter are refused."""
        env = self.env(user=self.picker)
        self.assertTrue(self.picking.message_follower_ids)
        self.assertFalse(
            env["mail.followers"].search(
                [("res_model", "=", "stock.picking"), ("res_id", "=", self.picking.id)]
            )
        )
        self.assertFalse(
            env["mail.message"].search(
                [("model", "=", "stock.picking"), ("res_id", "=", self.picking.id)]
            )
        )
        with self.assertRaises(AccessError):
            self.picking.message_follower_ids.with_user(self.picker).read(["email"])
        with self.assertRaises(AccessError):
            self.picking.message_ids[:1].with_user(self.picker).read(["body"])
        for name in ("message_follower_ids", "message_ids", "message_partner_ids"):
            with self.assertRaises(AccessError, msg=name):
                self.picking.with_user(self.picker).read([name])

    def test_screen_shows_shipping_name(self):
        """The picking screen still shows the shipping name and address, and
        finds the delivery by the customer's name."""
        env = self.env(user=self.picker)
        data = self.picking.with_user(self.picker).fulfilment_scanner_data()
        self.assertEqual(data["shipping_name"], "Ana Client")
        self.assertIn("Str. Victoriei 12", data["shipping_address"])
        found = env["stock.picking"].fulfilment_scanner_pickings(search="Ana Cli")
        self.assertIn(self.picking.id, [p["id"] for p in found["pickings"]])

    def test_staff_keep_customer_and_chatter(self):
        """Staff still read the delivery's customer, followers and chatter."""
        picking = self.picking.with_user(self.operator)
        self.assertEqual(picking.partner_id, self.customer)
        self.assertTrue(
            self.env(user=self.operator)["mail.followers"].search(
                [("res_model", "=", "stock.picking"), ("res_id", "=", self.picking.id)]
            )
        )

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .shipping_common import ShippingCommon


@tagged("post_install", "-at_install")
class TestAddressCheck(ShippingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The shipment bookkeeping is written through its own cursor.
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.fan = cls._create_fan_carrier(product_id=cls.delivery_product.id)

    def setUp(self):
        super().setUp()
        self.fake.reset()

    def _confirmed_order(self, partner):
        order = self._create_order(partner=partner, carrier_id=self.fan.id)
        order.action_confirm()
        return order, order.picking_ids

    def test_good_address_has_no_problem(self):
        """A real locality with its postal code, a number and a mobile: empty."""
        order, picking = self._confirmed_order(self.customer_codlea)
        self.assertFalse(order.fulfilment_address_problems)
        self.assertFalse(picking.fulfilment_address_problems)

    def test_problems_listed(self):
        """Unknown locality for the county, missing number, landline only,
        country the courier does not serve."""
        wrong = self._create_customer(
            "Ana Greșit",
            "Str. Lungă",
            "Cluj-Napoca",
            "400129",
            self.state_bv,
            mobile=False,
            phone="+40 268 100 200",
        )
        order = self._create_order(partner=wrong, carrier_id=self.fan.id)
        problems = order.fulfilment_address_problems
        self.assertIn("“Cluj-Napoca” is not a locality of Brașov", problems)
        self.assertIn("street number is missing", problems)
        self.assertIn("+40 268 100 200 is not a valid mobile number", problems)
        fremont = self.env["res.partner"].create(
            {
                "name": "Fremont Customer",
                "street": "3404 Edgewood Road 12",
                "city": "Fremont",
                "zip": "94538",
                "state_id": self.env.ref("base.state_us_5").id,
                "country_id": self.env.ref("base.us").id,
                "mobile": "+1 415 555 0100",
            }
        )
        order.partner_shipping_id = fremont
        self.assertIn(
            "does not deliver to United States", order.fulfilment_address_problems
        )

    def test_problems_of_an_address_being_edited(self):
        """An order and an address still being typed in a form (not saved)
        are checked from what the form holds, not from the database."""
        address = self.env["res.partner"].new(
            {
                "name": "Ioana Nouă",
                "street": "Str. Lungă",
                "street_number": "7",
                "city": "Codlea",
                "zip": "505101",
                "state_id": self.state_bv.id,
                "country_id": self.env.ref("base.ro").id,
                "mobile": "+40 722 123 456",
            }
        )
        order = self.env["sale.order"].new(
            {
                "partner_id": self.customer_codlea.id,
                "partner_shipping_id": address.id,
                "carrier_id": self.fan.id,
            }
        )
        self.assertIn("505101 does not match Codlea", order.fulfilment_address_problems)
        order = self.env["sale.order"].new(
            {
                "partner_id": self.customer_codlea.id,
                "partner_shipping_id": self.customer_codlea.id,
                "carrier_id": self.fan.id,
            }
        )
        self.customer_codlea.zip = "505101"
        self.assertIn(
            "505101 does not match Codlea",
            order.fulfilment_address_problems,
            "a change not yet written to the database is seen",
        )

    def test_wrong_postal_code_refused_at_send_then_accepted(self):
        """Send to Courier refuses a postal code that does not match the
        locality, saying why, and sends once the code is fixed."""
        customer = self._create_customer(
            "Radu Greșit", "Str. Lungă 5", "Codlea", "505101", self.state_bv
        )
        _order, picking = self._confirmed_order(customer)
        with self.assertRaises(UserError) as refusal:
            picking.action_fulfilment_send_to_courier()
        self.assertIn("505101 does not match Codlea", refusal.exception.args[0])
        self.assertIn("505100", refusal.exception.args[0])
        self.assertFalse(picking.carrier_tracking_ref)
        self.assertFalse(self.fake.shipments, "the courier was not called")
        customer.zip = "505100"
        picking.action_fulfilment_send_to_courier()
        self.assertTrue(picking.carrier_tracking_ref)

    def test_bulk_send_refuses_only_bad_addresses(self):
        """Sending several deliveries refuses the one with a bad address, with
        its reason, and sends the others."""
        bad = self._create_customer(
            "Radu Greșit", "Str. Lungă 5", "Codlea", "505101", self.state_bv
        )
        good_picking = self._confirmed_order(self.customer_codlea)[1]
        bad_picking = self._confirmed_order(bad)[1]
        action = (good_picking | bad_picking).action_fulfilment_send_to_courier()
        result = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual((result.success_count, result.refused_count), (1, 1))
        refused = result.line_ids.filtered(lambda line: not line.success)
        self.assertEqual(refused.record_ref, bad_picking)
        self.assertIn("505101 does not match Codlea", refused.message)
        self.assertTrue(good_picking.carrier_tracking_ref)
        self.assertFalse(bad_picking.carrier_tracking_ref)

    def test_manager_override(self):
        """Only a manager accepts an address with problems, with a reason in
        the chatter; then the delivery is sent."""
        customer = self._create_customer(
            "Radu Greșit", "Str. Lungă 5", "Codlea", "505101", self.state_bv
        )
        order, picking = self._confirmed_order(customer)
        action = order.with_user(self.operator).action_fulfilment_accept_address()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.operator)
            .with_context(**action["context"])
        )
        wizard.reason = "Customer confirmed by phone"
        with self.assertRaises(UserError):
            wizard.save().action_accept()
        self.assertFalse(order.fulfilment_address_override)
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.manager)
            .with_context(**action["context"])
        )
        wizard.reason = "Customer confirmed by phone"
        wizard.save().action_accept()
        self.assertTrue(order.fulfilment_address_override)
        self.assertIn("Customer confirmed by phone", order.message_ids[0].body)
        picking.action_fulfilment_send_to_courier()
        self.assertTrue(picking.carrier_tracking_ref)

    def test_completion_refuses_address_problems(self):
        """Complete Order lists the address problems among its refusals."""
        customer = self._create_customer(
            "Radu Greșit", "Str. Lungă 5", "Codlea", "505101", self.state_bv
        )
        order, _picking = self._confirmed_order(customer)
        problems = order._fulfilment_completion_problems()
        self.assertTrue(any("505101 does not match Codlea" in p for p in problems))

    def test_address_changed_after_awb(self):
        """Editing the address after the AWB flags it; Recreate AWB cancels it
        and creates a new one for the new address."""
        _order, picking = self._confirmed_order(self.customer_codlea)
        picking.action_fulfilment_send_to_courier()
        first = picking.carrier_tracking_ref
        self.assertFalse(picking.fulfilment_awb_address_changed)
        self.customer_codlea.street = "Str. Lungă 7"
        self.assertTrue(picking.fulfilment_awb_address_changed)
        self.assertTrue(picking.sale_id.fulfilment_awb_address_changed)
        picking.sale_id.action_fulfilment_recreate_awb()
        self.assertTrue(picking.carrier_tracking_ref)
        self.assertNotEqual(picking.carrier_tracking_ref, first)
        self.assertFalse(picking.fulfilment_awb_address_changed)

    def test_street_parts(self):
        """The courier gets the street and the house number apart."""
        self.assertEqual(
            self.customer_cluj._fulfilment_street_parts(), ("Bd. Eroilor", "45")
        )

    def test_nomenclature_changes_are_seen_at_once(self):
        """The localities read for the checks are kept between checks, and
        forgotten as soon as the nomenclature changes (a locality added, its
        postal code corrected)."""
        customer = self._create_customer(
            "Ion Nou", "Str. Nouă 3", "Satu Nou de Sus", "505999", self.state_bv
        )
        order = self._create_order(partner=customer, carrier_id=self.fan.id)
        self.assertIn(
            "“Satu Nou de Sus” is not a locality of Brașov",
            order.fulfilment_address_problems,
        )
        locality = self.env["res.city"].create(
            {
                "name": "Satu Nou de Sus",
                "zipcode": "505999",
                "state_id": self.state_bv.id,
                "country_id": self.ro.id,
            }
        )
        order.invalidate_recordset(["fulfilment_address_problems"])
        self.assertFalse(order.fulfilment_address_problems)
        locality.zipcode = "505998"
        order.invalidate_recordset(["fulfilment_address_problems"])
        self.assertIn(
            "Postal code 505999 does not match Satu Nou de Sus (its code: 505998)",
            order.fulfilment_address_problems,
        )

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .warranty_common import FulfilmentWarrantyCommon


@tagged("post_install", "-at_install")
class TestWarrantyCertificates(FulfilmentWarrantyCommon):
    def test_untracked_quantity_one_certificate_per_unit(self):
        """Delivering 3 untracked units issues 3 certificates, from the
        delivery date for the product's own 24 months."""
        with freeze_time("2025-03-10 11:00:00"):
            order = self._create_delivered_order([(self.product, 3, 100.0)])
        warranties = order.fulfilment_warranty_ids
        self.assertEqual(len(warranties), 3)
        self.assertEqual(len(set(warranties.mapped("name"))), 3)
        self.assertEqual(set(warranties.mapped("date_start")), {date(2025, 3, 10)})
        self.assertEqual(set(warranties.mapped("date_end")), {date(2027, 3, 9)})
        self.assertEqual(set(warranties.mapped("months")), {24})
        self.assertEqual(set(warranties.mapped("warranty_type")), {"legal"})
        self.assertEqual(set(warranties.mapped("state")), {"active"})
        self.assertEqual(warranties.partner_id, self.customer)
        self.assertEqual(warranties.product_id, self.product)
        self.assertEqual(warranties.move_id, order.picking_ids.move_ids)
        # Terms the product does not set come from its category's parent.
        self.assertEqual(
            set(warranties.mapped("terms")), {"Electronics terms: defects covered."}
        )
        self.assertEqual(order.fulfilment_warranty_count, 3)

    def test_serial_tracked_one_certificate_per_serial(self):
        """Each delivered serial number gets its own certificate."""
        with freeze_time("2025-06-01 09:00:00"):
            order = self._create_delivered_order([(self.phone, 2, 900.0)])
        warranties = order.fulfilment_warranty_ids
        delivered_serials = order.picking_ids.move_line_ids.lot_id
        self.assertEqual(len(delivered_serials), 2)
        self.assertEqual(len(warranties), 2)
        self.assertEqual(warranties.lot_id, delivered_serials)
        for warranty in warranties:
            self.assertEqual(warranty.date_start, date(2025, 6, 1))
            self.assertEqual(warranty.date_end, date(2027, 5, 31))

    def test_lot_tracked_one_certificate_per_unit_with_lot(self):
        """Lot-tracked units get one certificate each, carrying the lot."""
        order = self._create_delivered_order([(self.battery, 2, 50.0)])
        warranties = order.fulfilment_warranty_ids
        self.assertEqual(len(warranties), 2)
        self.assertEqual(set(warranties.mapped("lot_id.name")), {"LOT-BAT-7"})
        self.assertEqual(set(warranties.mapped("months")), {6})

    def test_category_period_and_product_override(self):
        """A product without its own period takes its category's (inherited
        from the parent); a product's own period overrides it; a product
        marked "No Warranty" gets none."""
        with freeze_time("2025-01-15 12:00:00"):
            order = self._create_delivered_order(
                [(self.product, 1, 100.0), (self.product_b, 1, 30.0)]
            )
        by_product = order.fulfilment_warranty_ids.grouped("product_id")
        self.assertEqual(by_product[self.product_b].months, 12)
        self.assertEqual(by_product[self.product_b].warranty_type, "commercial")
        self.assertEqual(by_product[self.product_b].date_end, date(2026, 1, 14))
        self.assertEqual(by_product[self.product].months, 24)
        self.assertEqual(by_product[self.product].date_end, date(2027, 1, 14))
        self.assertIn("12 months", self.product_b.fulfilment_warranty_summary)

        self.product_b.fulfilment_no_warranty = True
        order = self._create_delivered_order([(self.product_b, 2, 30.0)])
        self.assertFalse(order.fulfilment_warranty_ids)

    def test_product_without_warranty_gets_no_certificate(self):
        """No warranty months anywhere: no certificate."""
        order = self._create_delivered_order([(self.product_premium, 2, 150.0)])
        self.assertFalse(order.fulfilment_warranty_ids)

    def test_create_certificates_method_is_idempotent(self):
        """The order's method issues nothing twice and returns the active
        certificates; it fills in certificates missing for delivered units."""
        order = self._create_delivered_order([(self.product, 2, 100.0)])
        first = order._fulfilment_create_warranty_certificates()
        self.assertEqual(len(first), 2)
        self.assertEqual(first, order._fulfilment_create_warranty_certificates())
        self.assertEqual(len(order.fulfilment_warranty_ids), 2)
        # A unit whose certificate went missing gets a new one, once.
        first[0].with_user(self.manager).unlink()
        again = order._fulfilment_create_warranty_certificates()
        self.assertEqual(len(again), 2)
        self.assertEqual(len(order._fulfilment_create_warranty_certificates()), 2)

    def test_undelivered_order_has_no_certificate(self):
        """Confirming is not delivering: no certificate before validation."""
        order = self._create_order(quantity=2)
        order.action_confirm()
        self.assertFalse(order._fulfilment_create_warranty_certificates())

    def test_return_voids_certificates(self):
        """A received return voids as many certificates of the order line as
        units came back; the others stay active."""
        order = self._create_delivered_order([(self.product, 3, 100.0)])
        rma = self._create_rma(order, {self.product: 2})
        rma.action_approve()
        returns = self._receive(rma)
        warranties = order.fulfilment_warranty_ids
        void = warranties.filtered(lambda w: w.state == "void")
        self.assertEqual(len(void), 2)
        self.assertEqual(void.return_move_id, returns.move_ids)
        self.assertEqual(len(warranties.filtered(lambda w: w.state == "active")), 1)
        self.assertEqual(len(order._fulfilment_create_warranty_certificates()), 1)
        # Validating the same return again (re-run) voids nothing more.
        self.env["fulfilment.warranty"]._void_for_returns(returns.move_ids)
        self.assertEqual(len(warranties.filtered(lambda w: w.state == "void")), 2)

    def test_return_of_serial_voids_that_serial(self):
        """Returning one serial number voids its certificate only."""
        order = self._create_delivered_order([(self.phone, 2, 900.0)])
        delivery = order.picking_ids
        returned_serial = delivery.move_line_ids.lot_id[1]
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=delivery.id, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.quantity = 1
        return_picking = wizard._create_return()
        return_picking.action_assign()
        return_picking.move_line_ids.unlink()
        return_picking.move_ids.write(
            {
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": self.phone.id,
                            "lot_id": returned_serial.id,
                            "quantity": 1,
                            "location_id": return_picking.location_id.id,
                            "location_dest_id": return_picking.location_dest_id.id,
                        }
                    )
                ],
                "picked": True,
            }
        )
        return_picking.button_validate()
        self.assertEqual(return_picking.state, "done")
        warranties = order.fulfilment_warranty_ids
        self.assertEqual(
            warranties.filtered(lambda w: w.state == "void").lot_id, returned_serial
        )
        self.assertEqual(
            warranties.filtered(lambda w: w.state == "active").lot_id,
            delivery.move_line_ids.lot_id - returned_serial,
        )

    def test_cron_expires_past_certificates(self):
        """The daily job expires certificates past their end, in batches, and
        leaves the others active; the state is searchable."""
        with freeze_time("2022-02-01 12:00:00"):
            old = self._create_delivered_order([(self.product, 3, 100.0)])
        recent = self._create_delivered_order([(self.product, 1, 100.0)])
        Warranty = self.env["fulfilment.warranty"]
        # The scheduler runs the job again while some remain.
        runs = []
        for _run in range(10):
            done = Warranty._cron_expire(batch_size=2)
            if not done:
                break
            runs.append(done)
        self.assertGreaterEqual(len(runs), 2, "three certificates need two batches")
        self.assertLessEqual(max(runs), 2)
        self.assertGreaterEqual(sum(runs), 3)
        self.assertEqual(set(old.fulfilment_warranty_ids.mapped("state")), {"expired"})
        self.assertEqual(recent.fulfilment_warranty_ids.state, "active")
        self.assertEqual(
            Warranty.search([("state", "=", "expired"), ("order_id", "=", old.id)]),
            old.fulfilment_warranty_ids,
        )
        self.assertEqual(Warranty._cron_expire(), 0)

    def test_cron_expire_run_handles_one_batch_and_reports_the_rest(self):
        """A scheduler run expires one batch only and reports to the
        scheduler how many it expired and how many remain."""
        with freeze_time("2022-02-01 12:00:00"):
            old = self._create_delivered_order([(self.product, 3, 100.0)])
        Warranty = self.env["fulfilment.warranty"]
        expired_domain = [
            ("state", "=", "active"),
            ("date_end", "<", date.today()),
        ]
        to_expire = Warranty.search_count(expired_domain)
        self.assertGreaterEqual(to_expire, 3)
        cron = self.env.ref("order_fulfilment.ir_cron_fulfilment_warranty_expire")
        cron, progress = cron._add_progress()
        cron.env["fulfilment.warranty"]._cron_expire(batch_size=2)
        self.assertEqual(
            old.fulfilment_warranty_ids.mapped("state").count("expired"), 2
        )
        self.assertEqual(Warranty.search_count(expired_domain), to_expire - 2)
        self.assertEqual((progress.done, progress.remaining), (2, to_expire - 2))

    def test_picker_validation_issues_certificates(self):
        """A picker (no access to certificates) validating the delivery still
        issues them, and cannot read them."""
        picker = new_test_user(
            self.env,
            login="warranty_picker",
            groups="order_fulfilment.group_picker",
        )
        self.product.barcode = "5940000000998"
        order = self._create_order(quantity=2)
        order.action_confirm()
        # Reserved by the back office: pickers pick deliveries ready to pick.
        order.picking_ids.action_assign()
        picking = order.picking_ids.with_user(picker)
        picking.fulfilment_scan("5940000000998")
        picking.fulfilment_scan("5940000000998")
        picking.fulfilment_scanner_validate()
        self.assertEqual(order.picking_ids.state, "done")
        self.assertEqual(len(order.fulfilment_warranty_ids), 2)
        with self.assertRaises(AccessError):
            self.env["fulfilment.warranty"].with_user(picker).search([])

    def test_only_manager_voids_by_hand(self):
        """Voiding by hand is for managers; operators get a clear error."""
        warranty = self._create_warranty()
        with self.assertRaises(UserError):
            warranty.with_user(self.operator).action_void()
        warranty.with_user(self.manager).action_void()
        self.assertEqual(warranty.state, "void")

    def test_operator_without_inventory_rights_reads_serial_certificate(self):
        """A fulfilment operator without Inventory rights opens and prints a
        serial-tracked certificate (its serial number included)."""
        operator = new_test_user(
            self.env,
            login="warranty_sales_operator",
            groups="base.group_user,order_fulfilment.group_user",
        )
        order = self._create_delivered_order([(self.phone, 1, 900.0)])
        warranty = order.fulfilment_warranty_ids.with_user(operator)
        self.env.invalidate_all()
        self.assertEqual(
            warranty.lot_id.name, order.picking_ids.move_line_ids.lot_id.name
        )
        html = (
            self.env["ir.actions.report"]
            .with_user(operator)
            ._render_qweb_html(
                "order_fulfilment.action_report_fulfilment_warranty", warranty.ids
            )[0]
            .decode()
        )
        self.assertIn(warranty.lot_id.name, html)

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import FulfilmentCommon


@tagged("post_install", "-at_install")
class TestAuditTrail(FulfilmentCommon):
    def _last_bodies(self, order, count=5):
        return " ".join(order.message_ids[:count].mapped("body"))

    def test_line_changes_logged_with_author(self):
        """Added, changed and removed lines are logged with their author."""
        order = self._create_order()
        order_as_operator = order.with_user(self.operator)
        self.env.cr.flush()
        order_as_operator.write(
            {
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 2}
                    )
                ]
            }
        )
        added = order.message_ids[0]
        self.assertIn("Lines added", added.body)
        self.assertEqual(added.author_id, self.operator.partner_id)

        line = order.order_line[0]
        line.with_user(self.operator).write({"price_unit": 90.0, "product_uom_qty": 3})
        changed = order.message_ids[0]
        self.assertIn("Lines changed", changed.body)
        self.assertIn("100.0 → 90.0", changed.body)
        self.assertIn("1.0 → 3.0", changed.body)

        order.order_line[-1].with_user(self.operator).unlink()
        self.assertIn("Lines removed", order.message_ids[0].body)

    def test_lines_created_with_order_not_logged(self):
        """Creating an order with its lines logs no 'lines added' entry."""
        order = self._create_order()
        self.assertNotIn("Lines added", self._last_bodies(order))

    def test_address_change_tracked(self):
        """Changing the delivery address is tracked in the chatter."""
        order = self._create_order()
        other_address = self.env["res.partner"].create(
            {"name": "Ana at work", "parent_id": self.customer.id, "type": "delivery"}
        )
        self.env.cr.flush()
        order.with_user(self.operator).partner_shipping_id = other_address
        self.env.cr.flush()
        tracking = order.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "partner_shipping_id"
        )
        self.assertTrue(tracking)
        self.assertEqual(tracking.new_value_char, other_address.display_name)

    def test_note_change_logged(self):
        """Changing the order's notes is logged with the new text."""
        order = self._create_order()
        order.with_user(self.operator).note = "<p>Leave at the reception</p>"
        self.assertIn("Leave at the reception", order.message_ids[0].body)

    def test_print_logged(self):
        """Printing the quotation PDF is logged on the order."""
        order = self._create_order()
        self.env["ir.actions.report"]._render_qweb_pdf(
            "sale.action_report_saleorder", order.ids
        )
        self.assertIn("Document printed", order.message_ids[0].body)

    def test_orders_touched_by_user_in_period(self):
        """The audit wizard finds the orders a user changed in a period, only those."""
        touched = self._create_order()
        untouched = self._create_order()
        touched.with_user(self.operator).note = "<p>Gift wrap</p>"
        wizard = self.env["fulfilment.audit.wizard"].create(
            {
                "user_id": self.operator.id,
                "date_from": fields.Date.today() - timedelta(days=1),
                "date_to": fields.Date.today(),
            }
        )
        action = wizard.action_view_orders()
        found = self.env["sale.order"].search(action["domain"])
        self.assertIn(touched, found)
        self.assertNotIn(untouched, found)

        wizard.write(
            {
                "date_from": fields.Date.today() - timedelta(days=30),
                "date_to": fields.Date.today() - timedelta(days=10),
            }
        )
        found = self.env["sale.order"].search(wizard.action_view_orders()["domain"])
        self.assertNotIn(touched, found)

from odoo.tests import Form, tagged

from .common import PickingScannerCommon


@tagged("post_install", "-at_install")
class TestCommittedStock(PickingScannerCommon):
    def test_committed_follows_confirmed_unshipped_orders(self):
        """Committed counts confirmed orders not shipped yet, not quotations nor
        what already left."""
        self.assertEqual(self.cable.fulfilment_committed_qty, 0)
        order, picking = self._create_delivery({self.cable: 5})
        quotation = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    (0, 0, {"product_id": self.cable.id, "product_uom_qty": 7})
                ],
            }
        )
        self.cable.invalidate_recordset(["fulfilment_committed_qty"])
        self.assertEqual(self.cable.fulfilment_committed_qty, 5)
        self.assertEqual(self.cable.product_tmpl_id.fulfilment_committed_qty, 5)
        # Ship 3 now, 2 later: only the 2 stay committed.
        picking.move_ids.quantity = 3
        picking.move_ids.picked = True
        picking.with_context(skip_backorder=True, skip_sms=True).button_validate()
        self.cable.invalidate_recordset(["fulfilment_committed_qty"])
        self.assertEqual(self.cable.fulfilment_committed_qty, 2)
        self.assertEqual(self.cable.free_qty, 45)
        self.assertEqual(self.cable.product_tmpl_id.fulfilment_free_qty, 45)
        action = self.cable.product_tmpl_id.action_fulfilment_committed_orders()
        orders = self.env["sale.order"].search(action["domain"])
        self.assertEqual(orders, order)
        self.assertNotIn(quotation, orders)

    def test_committed_shown_on_product_form(self):
        """The product form shows the committed quantity."""
        self._create_delivery({self.cable: 4})
        with Form(self.cable.product_tmpl_id) as form:
            self.assertEqual(form.fulfilment_committed_qty, 4)

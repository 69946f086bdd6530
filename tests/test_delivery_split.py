from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import PickingScannerCommon


@tagged("post_install", "-at_install")
class TestDeliverySplit(PickingScannerCommon):
    def _split_form(self, order):
        action = order.action_fulfilment_split_delivery()
        return Form(self.env[action["res_model"]].with_context(**action["context"]))

    def test_split_line_ship_part_now(self):
        """Ship 3 of 8 earbuds now: the delivery keeps 3, a new one takes 5;
        the cables stay whole."""
        order, picking = self._create_delivery({self.product: 8, self.cable: 2})
        form = self._split_form(order)
        with form.line_ids.edit(0) as line:
            self.assertEqual(line.qty_open, 8)
            line.qty_now = 3
        form.save().action_split()
        later = picking.backorder_ids
        self.assertEqual(len(later), 1)
        self.assertEqual(self._move(picking, self.product).product_uom_qty, 3)
        self.assertEqual(self._move(picking, self.product).quantity, 3)
        self.assertEqual(self._move(picking, self.cable).product_uom_qty, 2)
        self.assertEqual(self._move(later, self.product).product_uom_qty, 5)
        self.assertFalse(self._move(later, self.cable))
        earbuds = order.order_line.filtered(
            lambda line: line.product_id == self.product
        )
        self.assertEqual(earbuds.move_ids.picking_id, picking | later)

        # Ship the first part: the line is partially shipped, 5 remain.
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(earbuds.qty_delivered, 3)
        self.assertEqual(earbuds.fulfilment_qty_remaining, 5)
        self.assertEqual(earbuds.fulfilment_shipping_status, "partial")
        self.assertEqual(later.state, "assigned")

    def test_split_whole_line_later(self):
        """Ship nothing of a line now: its whole move goes to the later delivery."""
        order, picking = self._create_delivery({self.product: 2, self.cable: 2})
        form = self._split_form(order)
        with form.line_ids.edit(1) as line:
            line.qty_now = 0
        form.save().action_split()
        self.assertEqual(picking.move_ids.product_id, self.product)
        self.assertEqual(picking.backorder_ids.move_ids.product_id, self.cable)

    def test_split_more_than_open_refused(self):
        """Shipping now more than what is open is refused."""
        order, _picking = self._create_delivery({self.product: 2})
        form = self._split_form(order)
        with form.line_ids.edit(0) as line:
            line.qty_now = 5
        with self.assertRaises(ValidationError):
            form.save()

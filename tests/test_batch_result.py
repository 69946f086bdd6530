from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import FulfilmentCommon


@tagged("post_install", "-at_install")
class TestBatchResult(FulfilmentCommon):
    """The one result window of the batch actions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.done_order = cls._create_order()
        cls.refused_order = cls._create_order()
        cls.Result = cls.env["fulfilment.batch.result"]

    def _open(self, results, **options):
        action = self.Result._open(results, "Do Things", **options)
        return self.Result.browse(action["res_id"])

    def test_lines_counts_and_texts(self):
        """One line per record with its order, customer and message; the
        counts and the caller's texts head the window."""
        result = self._open(
            [(self.done_order, True, "Done."), (self.refused_order, False, "No.")],
            success_summary="order(s) done.",
            refused_summary="order(s) refused.",
        )
        self.assertEqual((result.success_count, result.refused_count), (1, 1))
        self.assertEqual(result.name, "Do Things")
        self.assertEqual(
            (result.success_summary, result.refused_summary),
            ("order(s) done.", "order(s) refused."),
        )
        refused = result.line_ids.filtered(lambda line: not line.success)
        self.assertEqual(refused.record_ref, self.refused_order)
        self.assertEqual(refused.order_id, self.refused_order)
        self.assertEqual(refused.partner_id, self.customer)
        self.assertEqual(refused.message, "No.")

    def test_line_of_a_delivery_shows_its_order(self):
        """A line of a delivery names the delivery and the order it ships."""
        self.done_order.action_confirm()
        picking = self.done_order.picking_ids
        result = self._open([(picking, True, "AWB 1 created.")])
        self.assertEqual(result.res_model, "stock.picking")
        self.assertEqual(result.line_ids.record_ref, picking)
        self.assertEqual(result.line_ids.order_id, self.done_order)

    def test_follow_up_buttons_act_on_their_records(self):
        """The follow-up of the records done gets those records, the follow-up
        of the refused ones gets the refused records."""
        result = self._open(
            [(self.done_order, True, "Done."), (self.refused_order, False, "No.")],
            success_action=("Open Done", "action_fulfilment_view_not_completed"),
            refused_action=("Open Refused", "action_fulfilment_view_not_completed"),
        )
        self.assertEqual(
            result.action_success_button()["domain"],
            [("id", "in", self.done_order.ids)],
        )
        self.assertEqual(
            result.action_refused_button()["domain"],
            [("id", "in", self.refused_order.ids)],
        )

    def test_follow_up_only_public_methods(self):
        """A follow-up may only call a public method, as from the browser."""
        with self.assertRaises(AccessError):
            self._open(
                [(self.done_order, True, "Done.")],
                success_action=("Delete", "_action_cancel"),
            )
        result = self._open(
            [(self.done_order, True, "Done.")],
            success_action=("Open", "action_fulfilment_view_not_completed"),
        )
        result.success_method = "_action_cancel"
        with self.assertRaises(AccessError):
            result.action_success_button()
        self.assertNotEqual(self.done_order.state, "cancel")

    def test_results_of_one_model(self):
        """Records of several models in one result are a programming error."""
        self.done_order.action_confirm()
        with self.assertRaises(ValueError):
            self._open(
                [
                    (self.done_order, True, "Done."),
                    (self.done_order.picking_ids, True, "Done."),
                ]
            )

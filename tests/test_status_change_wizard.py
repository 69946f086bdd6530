from odoo.tests import Form, tagged

from .common import FulfilmentCommon


@tagged("post_install", "-at_install")
class TestStatusChangeWizard(FulfilmentCommon):
    def test_bulk_change_with_partial_refusal(self):
        """The list action changes what it can and lists each refusal and why."""
        allowed_orders = self._create_order() | self._create_order()
        locked = self._create_order()
        locked._fulfilment_set_status(self.status_completed)
        orders = allowed_orders | locked
        wizard_form = Form(
            self.env["fulfilment.status.change"]
            .with_user(self.operator)
            .with_context(active_model="sale.order", active_ids=orders.ids)
        )
        wizard_form.status_id = self.status_processing
        wizard_form.reason = "Warehouse started"
        wizard = wizard_form.save()
        action = wizard.action_apply()
        result = self.env[action["res_model"]].browse(action["res_id"])

        self.assertEqual(result.success_count, 2)
        self.assertEqual(result.refused_count, 1)
        self.assertEqual(allowed_orders.fulfilment_status_id, self.status_processing)
        self.assertEqual(locked.fulfilment_status_id, self.status_completed)
        refusal = result.line_ids.filtered(lambda line: not line.success)
        self.assertEqual(refusal.order_id, locked)
        self.assertIn(self.status_completed.name, refusal.message)
        history = allowed_orders.fulfilment_status_history_ids.filtered(
            lambda h: h.status_to_id == self.status_processing
        )
        self.assertEqual(len(history), 2)
        self.assertEqual(set(history.mapped("reason")), {"Warehouse started"})
        self.assertEqual(history.user_id, self.operator)

    def test_server_action_opens_wizard_with_selection(self):
        """The 'Change Status' list action opens the wizard on the selected orders."""
        orders = self._create_order() | self._create_order()
        action = orders.action_fulfilment_change_status()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"status_id": self.status_processing.id, "reason": "test"})
        )
        self.assertEqual(wizard.order_ids, orders)

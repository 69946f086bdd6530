from odoo.tests import Form, tagged

from .common import FulfilmentCommon


@tagged("post_install", "-at_install")
class TestManualTracking(FulfilmentCommon):
    def test_manual_tracking_notifies_customer(self):
        """A number entered by hand is stored, e-mailed with its link, order shipped."""
        carrier = self.env["delivery.carrier"].create(
            {
                "name": "Local courier",
                "delivery_type": "fixed",
                "fixed_price": 10.0,
                "product_id": self.env["product.product"]
                .create({"name": "Local delivery", "type": "service"})
                .id,
                "tracking_url": "https://track.example.com/?n=<shipmenttrackingnumber>",
            }
        )
        order = self._create_order(carrier_id=carrier.id)
        order.action_confirm()
        action = order.action_fulfilment_manual_tracking()
        wizard_form = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        )
        wizard_form.tracking_ref = "LC-778899"
        wizard_form.save().action_confirm()
        picking = order.picking_ids
        self.assertEqual(picking.carrier_tracking_ref, "LC-778899")
        self.assertEqual(order.fulfilment_status_id, self.status_shipping)
        mail = (
            self.env["mail.mail"]
            .search(
                [("model", "=", "sale.order"), ("res_id", "=", order.id)],
                order="id desc",
            )
            .filtered(lambda m: "LC-778899" in m.body_html)
        )
        self.assertTrue(mail)
        self.assertIn("https://track.example.com/?n=LC-778899", mail[0].body_html)
        self.assertIn(self.customer, mail[0].recipient_ids)

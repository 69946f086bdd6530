from odoo.tests import HttpCase, tagged

from .common import FulfilmentCommon


@tagged("post_install", "-at_install")
class TestPortalTimeline(FulfilmentCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_portal_users()
        cls.order = cls._create_order()
        cls.order.action_confirm()
        cls.order._fulfilment_set_status(cls.status_processing)

    def test_customer_sees_status_timeline(self):
        """The customer's order page shows the statuses with their customer labels."""
        self.authenticate("portal_ana", "portal_ana")
        response = self.url_open(f"/my/orders/{self.order.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("fulfilment_timeline", response.text)
        self.assertIn("Order received", response.text)
        self.assertIn("Being prepared", response.text)
        # Internal names never reach the customer.
        self.assertNotIn(">Processing<", response.text)

    def test_other_portal_user_refused(self):
        """Another portal user cannot open the order nor see its timeline."""
        self.authenticate("portal_bob", "portal_bob")
        response = self.url_open(f"/my/orders/{self.order.id}", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303, 403, 404))
        self.assertNotIn("fulfilment_timeline", response.text)
        self.assertNotIn("Being prepared", response.text)

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import FulfilmentCommon


@tagged("post_install", "-at_install")
class TestCarrierConnectionAccess(FulfilmentCommon):
    """Where the courier password is sent is chosen by system administrators
    only; a new address drops the token of the old one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier = cls._create_fan_carrier()
        cls.stock_admin = new_test_user(
            cls.env,
            login="stock_admin",
            name="Stela Stock Admin",
            groups="base.group_user,stock.group_stock_manager,"
            "sales_team.group_sale_manager,order_fulfilment.group_manager",
        )
        cls.system_admin = new_test_user(
            cls.env,
            login="system_admin",
            name="Sorin System",
            groups="base.group_user,base.group_system,stock.group_stock_manager",
        )

    def _store_token(self):
        self.carrier.sudo().write(
            {
                "fulfilment_token": "stored-token",
                "fulfilment_token_expiry": fields.Datetime.add(
                    fields.Datetime.now(), hours=1
                ),
            }
        )

    def test_stock_admin_cannot_change_connection(self):
        """A Stock/Sales administrator cannot change the API URL, the
        environment nor the credentials; nothing changes."""
        carrier = self.carrier.with_user(self.stock_admin)
        url = self.carrier.fulfilment_api_url
        for values in (
            {"fulfilment_api_url": "https://attacker.example.com/"},
            {"prod_environment": True},
            {"fulfilment_username": "someone"},
            {"fulfilment_password": "guess"},
        ):
            with self.assertRaises(AccessError, msg=str(values)):
                carrier.write(values)
        with self.assertRaises(AccessError):
            carrier.toggle_prod_environment()
        with self.assertRaises(AccessError):
            carrier.read(["fulfilment_api_url"])
        self.assertEqual(self.carrier.fulfilment_api_url, url)
        self.assertFalse(self.carrier.prod_environment)

    def test_stock_admin_cannot_copy_to_another_host(self):
        """Nor can he create a carrier, or a copy, that talks to his host."""
        Carrier = self.env["delivery.carrier"].with_user(self.stock_admin)
        with self.assertRaises(AccessError):
            Carrier.create(
                {
                    "name": "Mine",
                    "delivery_type": "fan_courier",
                    "product_id": self.carrier.product_id.id,
                    "fulfilment_api_url": "https://attacker.example.com/",
                }
            )
        with self.assertRaises(AccessError):
            self.carrier.with_user(self.stock_admin).copy(
                {"fulfilment_api_url": "https://attacker.example.com/"}
            )

    def test_stock_admin_keeps_shipment_settings(self):
        """The rest of the carrier stays his to set; the token is kept."""
        self._store_token()
        self.carrier.with_user(self.stock_admin).write(
            {"fulfilment_service": "Express"}
        )
        self.assertEqual(self.carrier.fulfilment_service, "Express")
        self.assertEqual(self.carrier.sudo().fulfilment_token, "stored-token")

    def test_form_hides_connection_from_stock_admin(self):
        """The form shows neither the URL nor the environment buttons to him."""
        arch = (
            self.env["delivery.carrier"]
            .with_user(self.stock_admin)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertNotIn("fulfilment_api_url", arch)
        self.assertNotIn("toggle_prod_environment", arch)
        arch = (
            self.env["delivery.carrier"]
            .with_user(self.system_admin)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn("fulfilment_api_url", arch)
        self.assertIn("toggle_prod_environment", arch)

    def test_system_admin_changes_url_token_cleared(self):
        """A system administrator may change the URL; the token of the old
        address is dropped."""
        self._store_token()
        self.carrier.with_user(self.system_admin).write(
            {"fulfilment_api_url": "https://api.fancourier.ro/"}
        )
        self.assertEqual(self.carrier.fulfilment_api_url, "https://api.fancourier.ro/")
        self.assertFalse(self.carrier.sudo().fulfilment_token)
        self.assertFalse(self.carrier.sudo().fulfilment_token_expiry)

    def test_environment_change_clears_token(self):
        """Switching the environment also drops the token."""
        self._store_token()
        self.carrier.with_user(self.system_admin).toggle_prod_environment()
        self.assertTrue(self.carrier.prod_environment)
        self.assertFalse(self.carrier.sudo().fulfilment_token)

import unittest

from odoo import Command
from odoo.tests import BaseCase, HttpCase, TransactionCase, new_test_user
from odoo.tests.common import _super_send

from odoo.addons.order_fulfilment.couriers.fakes import FakeFanCourier

from .fake_sms_gateway import FakeSmsGateway

# Timeouts of the calls to the fake couriers: generous for the normal calls;
# short for the call a test makes the courier answer too late (the fake then
# answers COURIER_LATE_ANSWER seconds after that timeout).
COURIER_TIMEOUT = 10.0
COURIER_SHORT_TIMEOUT = 0.5
COURIER_LATE_ANSWER = 1.0


class LocalFakeCase:
    """Test classes whose code calls a fake server of theirs (``cls.fake``).

    During tests Odoo raises the timeout of every HTTP request under 10 s to
    10 s (``BaseCase._request_handler``), so a test where a courier answers
    too late would wait 10 s. The requests to this class's fake keep the
    timeout the code under test gave them; all others go through Odoo's
    handler as before.
    """

    fake = None

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        if cls.fake is not None and r.url.startswith(cls.fake.url):
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)


class CourierClientCase(LocalFakeCase, BaseCase):
    """The plain-Python courier client contract (``couriers/tests/contract.py``)
    run by Odoo's test runner: no database, the scenarios come from the
    contract's mixins (hence ``allow_inherited_tests_method``)."""

    allow_inherited_tests_method = True


def send_status_notifications(env):
    """What the scheduler does right after a status change is committed:
    render and send the customers' status e-mails and SMS."""
    env["fulfilment.notification"]._cron_send(batch_size=100_000)


class FulfilmentCommon(LocalFakeCase, TransactionCase):
    """Orders, customers and users shared by the order_fulfilment tests.

    A plain ``TransactionCase`` (not ``BaseCommon``) so that mail tracking stays
    on: the audit trail and the status notifications are part of what is tested.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.status_new = cls.env.ref("order_fulfilment.status_new")
        cls.status_awaiting_payment = cls.env.ref(
            "order_fulfilment.status_awaiting_payment"
        )
        cls.status_paid = cls.env.ref("order_fulfilment.status_paid")
        cls.status_processing = cls.env.ref("order_fulfilment.status_processing")
        cls.status_shipping = cls.env.ref("order_fulfilment.status_shipping")
        cls.status_completed = cls.env.ref("order_fulfilment.status_completed")
        cls.status_returned = cls.env.ref("order_fulfilment.status_returned")
        cls.status_cancelled = cls.env.ref("order_fulfilment.status_cancelled")

        cls.operator = new_test_user(
            cls.env,
            login="fulfilment_operator",
            name="Olga Operator",
            email="olga@example.com",
            groups="base.group_user,order_fulfilment.group_user,stock.group_stock_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="fulfilment_manager",
            name="Mara Manager",
            email="mara@example.com",
            groups="base.group_user,order_fulfilment.group_manager,sales_team.group_sale_manager",
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Ana Client",
                "email": "ana.client@example.com",
                "mobile": "+40 721 000 111",
                "street": "Str. Victoriei 12",
                "city": "București",
                "zip": "010061",
                "state_id": cls.env.ref("base.RO_B").id,
                "country_id": cls.env.ref("base.ro").id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Wireless Earbuds",
                "type": "consu",
                "is_storable": True,
                "list_price": 100.0,
                "standard_price": 55.0,
                "invoice_policy": "order",
            }
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.warehouse.lot_stock_id, 100
        )

    @classmethod
    def _create_fan_carrier(cls, **values):
        """A FAN Courier carrier talking to a fake FAN Courier on 127.0.0.1
        (``cls.fake``), started for the test class."""
        cls.fake = FakeFanCourier().start()
        cls.addClassCleanup(cls.fake.stop)
        return cls.env["delivery.carrier"].create(
            {
                "name": "FAN Courier (test)",
                "delivery_type": "fan_courier",
                "integration_level": "rate",
                "product_id": cls.env["product.product"]
                .create({"name": "Courier delivery", "type": "service"})
                .id,
                "fixed_price": 20.0,
                "fulfilment_api_url": cls.fake.url,
                "fulfilment_username": "demo",
                "fulfilment_password": "demo-pass",
                "fulfilment_timeout": COURIER_TIMEOUT,
                "fulfilment_client_id": "7032158",
                "fulfilment_service": "Standard",
                **values,
            }
        )

    @classmethod
    def _create_order(cls, partner=None, quantity=1, price=100.0, user=None, **values):
        env = cls.env(user=user) if user else cls.env
        return env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "product_uom_qty": quantity,
                            "price_unit": price,
                            "tax_id": False,
                        }
                    )
                ],
                **values,
            }
        )

    @classmethod
    def _create_portal_users(cls, login="portal_ana", other_login="portal_bob"):
        """The customer's portal user and another customer's (``portal_user``,
        ``other_portal_user``); each password is the login."""
        cls.portal_user = new_test_user(
            cls.env,
            login=login,
            password=login,
            groups="base.group_portal",
            partner_id=cls.customer.id,
        )
        cls.other_portal_user = new_test_user(
            cls.env,
            login=other_login,
            password=other_login,
            groups="base.group_portal",
            name="Bob Other",
        )

    def _send_notifications(self):
        send_status_notifications(self.env)

    def _pay(self, order):
        """Invoice the order and register the full payment."""
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        return invoice

    def _create_online_transaction(self, order):
        """A payment transaction of the whole order, as a card payment makes it.

        The wire-transfer provider gets an accounting method so that the done
        transaction can create and reconcile its payment, as a card provider
        would.
        """
        provider = self.env.ref("payment.payment_provider_transfer")
        self.env["account.payment.method"].sudo().create(
            {
                "name": "Wire Transfer",
                "code": provider._get_code(),
                "payment_type": "inbound",
            }
        )
        provider.write(
            {
                "state": "enabled",
                "journal_id": self.env["account.journal"]
                .search(
                    [("type", "=", "bank"), ("company_id", "=", self.company.id)],
                    limit=1,
                )
                .id,
            }
        )
        return self.env["payment.transaction"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": self.env.ref(
                    "payment_custom.payment_method_wire_transfer"
                ).id,
                "amount": order.amount_total,
                "currency_id": order.currency_id.id,
                "partner_id": order.partner_id.id,
                "operation": "online_redirect",
                "reference": f"{order.name}-test",
                "sale_order_ids": [Command.set(order.ids)],
            }
        )

    # Profit, loss guard, deadlines and auto-cancel ----------------------

    @classmethod
    def _create_payment_policy(cls, method, company=None, **values):
        return cls.env["fulfilment.payment.policy"].create(
            {
                "payment_method_id": method.id,
                "company_id": (company or cls.company).id,
                **values,
            }
        )

    @classmethod
    def _create_payment_method(cls, name, code):
        return cls.env["payment.method"].create({"name": name, "code": code})

    def _deliver(self, order, user=None):
        """Validate the order's outgoing deliveries with their full quantities.

        :return: what ``button_validate`` returned (True, or a wizard action)
        """
        pickings = order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        if user:
            pickings = pickings.with_user(user)
        pickings.action_assign()
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        return pickings.button_validate()


class PickingScannerCommon(FulfilmentCommon):
    """A picker, products with barcodes, packaging and serials, and a helper
    that confirms an order into a delivery ready to pick."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.picker = new_test_user(
            cls.env,
            login="fulfilment_picker",
            password="fulfilment_picker",
            name="Petru Picker",
            email="petru@example.com",
            groups="order_fulfilment.group_picker",
        )
        cls.product.barcode = "5940000000011"
        cls.packaging = cls.env["product.packaging"].create(
            {
                "name": "Box of 6",
                "product_id": cls.product.id,
                "qty": 6,
                "barcode": "5940000000066",
            }
        )
        cls.cable = cls.env["product.product"].create(
            {
                "name": "USB-C Cable",
                "type": "consu",
                "is_storable": True,
                "barcode": "5940000000028",
                "list_price": 20.0,
                "standard_price": 4.0,
            }
        )
        cls.phone = cls.env["product.product"].create(
            {
                "name": "Smartphone X1",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "barcode": "5940000000035",
                "list_price": 900.0,
                "standard_price": 600.0,
            }
        )
        cls.not_ordered = cls.env["product.product"].create(
            {
                "name": "Phone Case",
                "type": "consu",
                "is_storable": True,
                "barcode": "5940000000042",
            }
        )
        stock = cls.warehouse.lot_stock_id
        cls.env["stock.quant"]._update_available_quantity(cls.cable, stock, 50)
        cls.serials = cls.env["stock.lot"].create(
            [
                {"name": f"SN-X1-{number}", "product_id": cls.phone.id}
                for number in range(1, 4)
            ]
        )
        for serial in cls.serials:
            cls.env["stock.quant"]._update_available_quantity(
                cls.phone, stock, 1, lot_id=serial
            )

    @classmethod
    def _create_delivery(cls, quantities, partner=None):
        """Confirm an order of ``{product: quantity}``; return it and its delivery."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "tax_id": False,
                        }
                    )
                    for product, quantity in quantities.items()
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.action_assign()
        return order, picking

    @staticmethod
    def _move(picking, product):
        return picking.move_ids.filtered(lambda move: move.product_id == product)


class SmsGatewayCase:
    """Mixin: SMS go through a local HTTP gateway (``cls.gateway``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gateway = FakeSmsGateway(token="s3cret").start()
        cls.addClassCleanup(cls.gateway.stop)
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("order_fulfilment.sms_provider", "http")
        params.set_param("order_fulfilment.sms_gateway_url", cls.gateway.url)
        params.set_param("order_fulfilment.sms_gateway_auth", "bearer")
        params.set_param("order_fulfilment.sms_gateway_secret", "s3cret")
        params.set_param("order_fulfilment.sms_gateway_sender", "MYSHOP")

    def setUp(self):
        super().setUp()
        self.gateway.mode = "ok"
        self.gateway.received.clear()

    def _send_queued_sms(self):
        send_status_notifications(self.env)
        self.env["sms.sms"].sudo().search([("state", "=", "outgoing")]).send()


class BrowserTourCase(HttpCase):
    """``HttpCase`` whose browser tests must run.

    Odoo skips ``browser_js`` (and so ``start_tour``) when it finds no Chrome
    or the ``websocket-client`` package is missing: the JavaScript would then
    never be exercised while the run still passes. Here that is a failure.
    """

    def browser_js(self, *args, **kwargs):
        try:
            return super().browser_js(*args, **kwargs)
        except unittest.SkipTest as skip:
            self.fail(f"The browser test could not run: {skip}")

"""The order desk's paper cuts: filters, notifications that reach the
customer once and staff never, visible background work, buttons that show
what they did, repeat orders."""

import re
from datetime import timedelta
from unittest.mock import patch

from lxml import etree

from odoo import fields
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import config
from odoo.tools.safe_eval import safe_eval

from .common import FulfilmentCommon, PickingScannerCommon, SmsGatewayCase


@tagged("post_install", "-at_install")
class TestOrderSearch(FulfilmentCommon):
    """Orders searched and grouped by payment method and month."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Method = cls.env["payment.method"]
        cls.cod = Method.create({"name": "Ramburs", "code": "of_test_cod"})
        cls.card = Method.create({"name": "Card NETOPIA", "code": "of_test_card"})
        cls.retired = Method.create(
            {"name": "Old Wallet", "code": "of_test_old", "active": False}
        )
        cls.cod_order = cls._create_order(fulfilment_payment_method_id=cls.cod.id)
        cls.card_order = cls._create_order(fulfilment_payment_method_id=cls.card.id)

    def _search_arch(self, xmlid="sale.sale_order_view_search_inherit_sale"):
        views = self.env["sale.order"].get_views([(self.env.ref(xmlid).id, "search")])
        return etree.fromstring(views["views"]["search"]["arch"])

    def _method_filter(self, arch, method):
        nodes = arch.xpath(f"//filter[@name='fulfilment_payment_method_{method.id}']")
        return nodes[0] if nodes else None

    def test_one_filter_per_active_payment_method(self):
        """The order lists have one filter per active payment method, whose
        domain finds that method's orders; archived methods have none."""
        arch = self._search_arch()
        cod_filter = self._method_filter(arch, self.cod)
        self.assertIsNotNone(cod_filter)
        self.assertEqual(cod_filter.get("string"), "Paid by Ramburs")
        self.assertIsNotNone(self._method_filter(arch, self.card))
        self.assertIsNone(self._method_filter(arch, self.retired))
        found = self.env["sale.order"].search(safe_eval(cod_filter.get("domain")))
        self.assertIn(self.cod_order, found)
        self.assertNotIn(self.card_order, found)
        # The quotations' search view (another view of the same base) too.
        quotations = self._search_arch("sale.sale_order_view_search_inherit_quotation")
        self.assertIsNotNone(self._method_filter(quotations, self.cod))

    def test_filters_follow_the_methods(self):
        """A new method or a renamed one changes the filters at once."""
        self._search_arch()
        wallet = self.env["payment.method"].create(
            {"name": "New Wallet", "code": "of_test_new"}
        )
        self.cod.name = "Cash on delivery"
        arch = self._search_arch()
        self.assertIsNotNone(self._method_filter(arch, wallet))
        self.assertEqual(
            self._method_filter(arch, self.cod).get("string"),
            "Paid by Cash on delivery",
        )

    def test_payment_method_search_field_and_group_by(self):
        """The payment method is a search field and a group-by of the orders."""
        arch = self._search_arch()
        self.assertTrue(arch.xpath("//field[@name='fulfilment_payment_method_id']"))
        group_by = arch.xpath("//filter[@name='group_payment_method']")
        self.assertEqual(
            safe_eval(group_by[0].get("context"))["group_by"],
            "fulfilment_payment_method_id",
        )
        groups = self.env["sale.order"].read_group(
            [("id", "in", (self.cod_order | self.card_order).ids)],
            ["fulfilment_payment_method_id"],
            ["fulfilment_payment_method_id"],
        )
        self.assertEqual(
            {group["fulfilment_payment_method_id"][0] for group in groups},
            {self.cod.id, self.card.id},
        )

    def test_month_filter(self):
        """A "Month" filter on the order date offers the last twelve months."""
        arch = self._search_arch()
        month = arch.xpath("//filter[@name='fulfilment_order_month']")
        self.assertEqual(len(month), 1)
        self.assertEqual(month[0].get("date"), "date_order")
        self.assertEqual(month[0].get("string"), "Month")
        self.assertEqual(month[0].get("start_month"), "-11")


@tagged("post_install", "-at_install")
class TestDeskNotifications(SmsGatewayCase, FulfilmentCommon):
    """Status notifications go to the customer, never to the staff."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.status_delivery_issue = cls.env.ref(
            "order_fulfilment.status_delivery_issue"
        )
        cls.clerk = new_test_user(
            cls.env,
            login="fulfilment_clerk",
            name="Costel Clerk",
            email="costel@example.com",
            notification_type="email",
            groups="base.group_user,order_fulfilment.group_user,stock.group_stock_user",
        )
        cls.operator.notification_type = "email"
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Local courier",
                "delivery_type": "fixed",
                "product_id": cls.env["product.product"]
                .create({"name": "Local delivery", "type": "service"})
                .id,
                "tracking_url": "https://track.example.com/?n=<shipmenttrackingnumber>",
            }
        )

    def test_paid_sends_the_receipt(self):
        """An order entering "Paid" e-mails the customer the receipt of the
        payment, with the order attached."""
        order = self._create_order()
        order.action_confirm()
        order._fulfilment_trigger_event("paid")
        self.assertEqual(order.fulfilment_status_id, self.status_paid)
        self._send_notifications()
        mail = self.env["mail.mail"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("recipient_ids", "in", self.customer.ids),
            ]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("payment received", mail.subject)
        self.assertIn("Total paid", mail.body_html)
        self.assertTrue(mail.attachment_ids)
        self.assertIn(order.name, mail.attachment_ids.name)

    def test_statuses_without_template_say_so(self):
        """A status that tells the customer nothing is shown as such on its
        form, with a hint; the defaults a shop would announce do tell."""
        self.assertFalse(self.status_processing.notifies_customer)
        for status in (self.status_paid, self.status_shipping, self.status_cancelled):
            self.assertTrue(status.notifies_customer, status.name)
        self.assertTrue(self.status_delivery_issue.notifies_customer)
        arch = etree.fromstring(
            self.env["fulfilment.status"].get_views([(False, "form")])["views"]["form"][
                "arch"
            ]
        )
        hint = arch.xpath("//div[hasclass('o_fulfilment_status_silent')]")
        self.assertEqual(hint[0].get("invisible"), "notifies_customer")
        self.assertIn("Customers are not told", "".join(hint[0].itertext()))

    def _enter_tracking(self, order, user, **values):
        action = order.with_user(user).action_fulfilment_manual_tracking()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
        )
        wizard.tracking_ref = f"LC-{order.id}"
        for name, value in values.items():
            setattr(wizard, name, value)
        wizard.save().action_confirm()

    def test_staff_are_not_flooded(self):
        """Two staff members work ten orders (validate deliveries, complete one,
        change statuses that text the customer, enter tracking numbers, text a
        tracking number themselves): the customers get their messages, the
        staff get no copy and follow no order."""
        orders = self.env["sale.order"]
        for _index in range(10):
            order = self._create_order(carrier_id=self.carrier.id)
            order.action_confirm()
            orders |= order
        for order in orders[:5]:
            self._deliver(order, user=self.operator)
        orders[0].with_user(self.operator).action_fulfilment_complete()
        self.assertTrue(orders[0].fulfilment_completed_date)
        # Already on its way: the wizard texts the number itself.
        self._enter_tracking(orders[1], self.clerk, notify_sms=True)
        for order in orders[5:8]:
            order.with_user(self.clerk)._fulfilment_set_status(
                self.status_delivery_issue
            )
        for order in orders[8:]:
            self._enter_tracking(order, self.clerk)
        self._send_queued_sms()
        staff = (self.operator | self.clerk).partner_id
        self.assertFalse(orders.message_partner_ids & staff)
        mails = self.env["mail.mail"].search(
            [("model", "=", "sale.order"), ("res_id", "in", orders.ids)]
        )
        self.assertTrue(
            mails.filtered(lambda mail: self.customer in mail.recipient_ids)
        )
        self.assertFalse(mails.filtered(lambda mail: mail.recipient_ids & staff))
        # Shipped (the completed order's superseded by its completion), the
        # wizard's own SMS, delivery issues, shipped by tracking number.
        self.assertEqual(len(self.gateway.received), 4 + 1 + 3 + 2)


class DeskCourierCase(SmsGatewayCase, FulfilmentCommon):
    """A FAN Courier carrier on a local fake courier."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.registry.test_cr:
            # The shipment bookkeeping is written through its own cursor so
            # that it survives rollbacks; in tests that cursor shares the test
            # transaction (HttpCase does it by itself).
            cls.registry.enter_test_mode(cls.cr)
            cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.carrier = cls._create_fan_carrier()
        cls.customer.write({"state_id": cls.env.ref("base.RO_B").id})

    def setUp(self):
        super().setUp()
        self.fake.reset()

    def _confirmed_order(self):
        order = self._create_order(carrier_id=self.carrier.id)
        order.action_confirm()
        return order


@tagged("post_install", "-at_install")
class TestDeskCourier(DeskCourierCase):
    def test_send_to_courier_reloads_the_order(self):
        """Send to Courier on the order form answers with what happened and
        reloads the form, which shows the AWB and the new status."""
        order = self._confirmed_order()
        action = order.action_fulfilment_send_to_courier()
        awb = order.picking_ids.carrier_tracking_ref
        self.assertTrue(awb)
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(
            action["params"]["message"], f"AWB {awb} created, label attached."
        )
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload")
        self.assertEqual(order.fulfilment_tracking_ref, awb)
        self.assertEqual(order.fulfilment_status_id.auto_event, "awb_created")

    def test_courier_customer_gets_the_awb_when_shipped(self):
        """A courier parcel: once it leaves the warehouse the customer's one
        e-mail and one SMS carry the courier, the AWB and the tracking link."""
        order = self._confirmed_order()
        order.action_fulfilment_send_to_courier()
        self._deliver(order)
        self.assertEqual(order.fulfilment_status_id, self.status_shipping)
        self._send_queued_sms()
        picking = order.picking_ids
        awb = picking.carrier_tracking_ref
        link = picking.fulfilment_tracking_url
        self.assertTrue(link)
        mails = self.env["mail.mail"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("recipient_ids", "in", self.customer.ids),
            ]
        )
        self.assertEqual(len(mails), 1)
        self.assertIn(awb, mails.body_html)
        self.assertIn("FAN Courier (test)", mails.body_html)
        self.assertIn(link.replace("&", "&amp;"), mails.body_html)
        self.assertEqual(len(self.gateway.received), 1)
        self.assertIn(f"AWB {awb}", self.gateway.received[0]["text"])
        self.assertIn(link, self.gateway.received[0]["text"])

    def test_bulk_send_shows_the_queue(self):
        """Sending more than 20 deliveries queues them: the answer says so, the
        deliveries show it and the list filters them."""
        orders = self.env["sale.order"]
        for _index in range(21):
            orders |= self._confirmed_order()
        self.env["ir.cron.trigger"].search([]).unlink()
        with patch.dict(config.options, {"max_cron_threads": 2}):
            action = orders.action_fulfilment_send_to_courier()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("21 deliveries", action["params"]["message"])
        self.assertIn("Queued for the courier", action["params"]["message"])
        pickings = orders.picking_ids
        self.assertTrue(all(pickings.mapped("fulfilment_send_queued")))
        self.assertEqual(
            set(pickings.mapped("fulfilment_queued_by_id")), {self.env.user}
        )
        self.assertFalse(any(pickings.mapped("fulfilment_send_queued_warning")))
        self.assertEqual(
            self.env["stock.picking"].search([("fulfilment_send_queued", "=", True)]),
            pickings,
        )

    def test_bulk_send_warns_when_no_scheduler_runs(self):
        """When the scheduler has not run jobs due minutes ago, the bulk send
        says the deliveries may stay queued, and so do the deliveries."""
        orders = self.env["sale.order"]
        for _index in range(21):
            orders |= self._confirmed_order()
        cron = self.env.ref("order_fulfilment.ir_cron_fulfilment_send_notifications")
        self.env["ir.cron.trigger"].create(
            {
                "cron_id": cron.id,
                "call_at": fields.Datetime.now() - timedelta(hours=1),
            }
        )
        action = orders.action_fulfilment_send_to_courier()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertTrue(action["params"]["sticky"])
        self.assertIn("may stay queued", action["params"]["message"])
        self.assertIn("no scheduler", action["params"]["message"])
        picking = orders.picking_ids[0]
        self.assertIn("no scheduler", picking.fulfilment_send_queued_warning)

    def test_scheduler_problem(self):
        """The scheduler is taken as running when no job waits and jobs ran;
        a server without cron threads where no job ran for a day is not."""
        IrCron = self.env["ir.cron"]
        self.env["ir.cron.trigger"].search([]).unlink()
        with patch.dict(config.options, {"max_cron_threads": 0}):
            IrCron.search([]).write({"lastcall": fields.Datetime.now()})
            self.assertIsNone(IrCron._fulfilment_scheduler_problem())
            IrCron.search([]).write(
                {"lastcall": fields.Datetime.now() - timedelta(days=2)}
            )
            self.assertIn("max_cron_threads", IrCron._fulfilment_scheduler_problem())
        with patch.dict(config.options, {"max_cron_threads": 2}):
            self.assertIsNone(IrCron._fulfilment_scheduler_problem())

    def test_background_sending_reports_progress(self):
        """Each run of the background sending tells the user how many were
        sent and how many are still queued."""
        pickings = self.env["stock.picking"]
        for _index in range(3):
            pickings |= self._confirmed_order().picking_ids
        pickings.write(
            {"fulfilment_send_queued": True, "fulfilment_queued_by_id": self.env.uid}
        )
        Bus = self.env["bus.bus"].sudo()
        before = Bus.search([], order="id desc", limit=1).id or 0
        self.env["delivery.carrier"]._cron_fulfilment_send_queued(limit=2)
        self.env["delivery.carrier"]._cron_fulfilment_send_queued(limit=2)
        # Bus notifications are stored when the transaction commits.
        self.env.cr.precommit.run()
        messages = Bus.search([("id", ">", before)], order="id").mapped("message")
        titles = [
            message
            for message in messages
            if "Courier sending" in message and "simple_notification" in message
        ]
        self.assertEqual(len(titles), 2)
        self.assertIn("1 still queued", titles[0])
        self.assertIn("2 sent, 0 refused", titles[0])
        self.assertIn("Courier sending done", titles[1])

    def test_tracking_failures_shown_on_the_carrier(self):
        """Tracking runs that cannot reach the courier leave the last error on
        the carrier and, after three in a row, one activity for a manager;
        once the courier answers the error and the activity go."""
        order = self._confirmed_order()
        order.action_fulfilment_send_to_courier()
        self.fake.fail_next("http_500", count=100)
        self.env["delivery.carrier"]._cron_fulfilment_track_shipments()
        self.assertEqual(self.carrier.fulfilment_tracking_failures, 1)
        self.assertIn("500", self.carrier.fulfilment_tracking_error)
        self.assertFalse(self.carrier.activity_ids)
        for _run in range(3):
            self.env["delivery.carrier"]._cron_fulfilment_track_shipments()
        self.assertEqual(self.carrier.fulfilment_tracking_failures, 4)
        activity = self.carrier.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertIn(self.env.ref("base.user_admin"), activity.user_id)
        self.assertIn("keeps failing", activity.summary)
        self.fake.reset()
        self.env["delivery.carrier"]._cron_fulfilment_track_shipments()
        self.assertEqual(self.carrier.fulfilment_tracking_failures, 0)
        self.assertFalse(self.carrier.fulfilment_tracking_error)
        self.assertFalse(self.carrier.activity_ids)


@tagged("post_install", "-at_install")
class TestDeskButtons(PickingScannerCommon):
    """Buttons that change an order answer with what they did and leave the
    order on screen, reloaded."""

    def test_split_notifies_and_reloads(self):
        """Split Delivery names the new delivery and closes back to the order."""
        order, picking = self._create_delivery({self.product: 3})
        action = order.action_fulfilment_split_delivery()
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        with form.line_ids.edit(0) as line:
            line.qty_now = 1
        result = form.save().action_split()
        later = picking.backorder_ids
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(
            result["params"]["next"]["type"], "ir.actions.act_window_close"
        )
        self.assertEqual(result["params"]["links"][0]["label"], later.name)
        self.assertEqual(result["params"]["message"].count("%s"), 1)


@tagged("post_install", "-at_install")
class TestOrderAgain(FulfilmentCommon):
    def test_order_again_at_todays_prices(self):
        """Order Again makes a quotation for the same customer and addresses
        with the same products and quantities at today's prices, without the
        shipping line, and links both orders in their chatter."""
        delivery_address = self.env["res.partner"].create(
            {"name": "Ana (work)", "type": "delivery", "parent_id": self.customer.id}
        )
        order = self._create_order(quantity=3, partner_shipping_id=delivery_address.id)
        carrier = self.env["delivery.carrier"].create(
            {
                "name": "Flat",
                "delivery_type": "fixed",
                "fixed_price": 15.0,
                "product_id": self.env["product.product"]
                .create({"name": "Flat shipping", "type": "service"})
                .id,
            }
        )
        order.set_delivery_line(carrier, 15.0)
        order.action_confirm()
        self.product.list_price = 120.0
        action = order.action_fulfilment_order_again()
        again = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual(again.state, "draft")
        self.assertEqual(again.partner_id, self.customer)
        self.assertEqual(again.partner_shipping_id, delivery_address)
        self.assertEqual(again.order_line.product_id, self.product)
        self.assertEqual(again.order_line.product_uom_qty, 3)
        self.assertEqual(again.order_line.price_unit, 120.0)
        self.assertEqual(again.origin, order.name)
        self.assertIn(order.name, again.message_ids[0].body)
        self.assertIn(again.name, order.message_ids[0].body)


@tagged("post_install", "-at_install")
class TestOrderAgainPortal(FulfilmentCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_portal_users()
        cls.product.write({"is_published": True, "sale_ok": True})
        cls.order = cls._create_order(quantity=2)
        cls.order.action_confirm()

    def _post_order_again(self, order):
        page = self.url_open(f"/my/orders/{order.id}")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        return page, self.url_open(
            f"/my/orders/{order.id}/order_again",
            data={"csrf_token": token.group(1) if token else ""},
        )

    def test_customer_orders_again_from_the_portal(self):
        """The customer's order page offers Order Again, which fills their cart
        with the order's products and opens it."""
        self.authenticate("portal_ana", "portal_ana")
        page, response = self._post_order_again(self.order)
        self.assertIn("Order Again", page.text)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith("/shop/cart"))
        cart = self.env["sale.order"].search(
            [("partner_id", "=", self.customer.id), ("state", "=", "draft")],
            order="id desc",
            limit=1,
        )
        self.assertTrue(cart.website_id)
        self.assertEqual(cart.order_line.product_id, self.product)
        self.assertEqual(cart.order_line.product_uom_qty, 2)

    def test_other_customer_cannot_order_again(self):
        """Another customer cannot put someone else's order in their cart."""
        own = self._create_order(partner=self.other_portal_user.partner_id)
        own.action_confirm()
        carts_before = self.env["sale.order"].search_count([("state", "=", "draft")])
        self.authenticate("portal_bob", "portal_bob")
        page = self.url_open(f"/my/orders/{own.id}")
        self.assertIn("Order Again", page.text)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            f"/my/orders/{self.order.id}/order_again", data={"csrf_token": token}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(
            self.env["sale.order"].search_count([("state", "=", "draft")]),
            carts_before,
        )

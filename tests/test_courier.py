import base64
import io
import json
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest.mock import patch
from zoneinfo import ZoneInfo

from PyPDF2 import PdfFileReader

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.order_fulfilment.couriers import shipping
from odoo.addons.order_fulfilment.couriers.fakes import (
    FakeCargus,
    FakeFanCourier,
    FakeGls,
    FakeSameday,
)
from odoo.addons.order_fulfilment.models import delivery_carrier_shipment_batch

from .common import (
    COURIER_LATE_ANSWER,
    COURIER_SHORT_TIMEOUT,
    COURIER_TIMEOUT,
    FulfilmentCommon,
)

BUCHAREST = ZoneInfo("Europe/Bucharest")


def courier_now():
    """The couriers' wall-clock time (Bucharest), as the fakes record events."""
    return datetime.now(BUCHAREST).replace(tzinfo=None, microsecond=0)


class CourierCase:
    """Scenarios every courier integration must pass; subclasses name the courier."""

    # Odoo's test runner collects only the tests a class defines itself.
    allow_inherited_tests_method = True
    delivery_type = None
    fake_class = None
    carrier_values = {}
    picked_up_code = ""
    delivered_code = ""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The shipment bookkeeping is written through its own cursor so that it
        # survives rollbacks; in tests that cursor shares the test transaction.
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.fake = cls.fake_class().start()
        cls.addClassCleanup(cls.fake.stop)
        cls.delivery_product = cls.env["product.product"].create(
            {"name": "Courier delivery", "type": "service", "list_price": 20.0}
        )
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": f"Test {cls.delivery_type}",
                "delivery_type": cls.delivery_type,
                "integration_level": "rate",
                "product_id": cls.delivery_product.id,
                "fixed_price": 20.0,
                "fulfilment_api_url": cls.fake.url,
                "fulfilment_username": "demo",
                "fulfilment_password": "demo-pass",
                "fulfilment_timeout": COURIER_TIMEOUT,
                **cls.carrier_values,
            }
        )
        cls.customer.write({"state_id": cls.env.ref("base.RO_B").id})

    picked_up_status = "picked_up"

    def setUp(self):
        super().setUp()
        self.fake.reset()

    @contextmanager
    def _courier_answers_late(self):
        """The next creation request creates the shipment at the courier but
        is answered after the carrier's timeout (made short for it)."""
        self.carrier.fulfilment_timeout = COURIER_SHORT_TIMEOUT
        self.fake.timeout_sleep = COURIER_SHORT_TIMEOUT + COURIER_LATE_ANSWER
        self.fake.fail_next("timeout_after_create")
        try:
            yield
        finally:
            self.carrier.fulfilment_timeout = COURIER_TIMEOUT

    def _track(self, **kwargs):
        """Run the tracking job once."""
        self.env["delivery.carrier"]._cron_fulfilment_track_shipments(**kwargs)

    def _user_error(self, func, *args):
        """The UserError ``func`` raises. Unlike Odoo's assertRaises this does not
        roll back to a savepoint, so what was written on the side stays visible."""
        try:
            func(*args)
        except UserError as exc:
            return exc
        self.fail("UserError not raised")

    def _confirmed_delivery(self, cash_on_delivery=False):
        order = self._create_order(carrier_id=self.carrier.id)
        order.fulfilment_cash_on_delivery = cash_on_delivery
        order.action_confirm()
        return order, order.picking_ids

    def sent_cod(self):
        raise NotImplementedError

    def test_send_with_cod_attaches_label(self):
        """Send to courier: AWB stored, COD passed, label PDF attached, price kept."""
        order, picking = self._confirmed_delivery(cash_on_delivery=True)
        picking.action_fulfilment_send_to_courier()
        self.assertTrue(picking.carrier_tracking_ref)
        self.assertIn(picking.carrier_tracking_ref, self.fake.shipments)
        self.assertAlmostEqual(self.sent_cod(), order.amount_total, places=2)
        self.assertEqual(picking.fulfilment_cod_amount, order.amount_total)
        label = base64.b64decode(picking.fulfilment_label_id.datas)
        self.assertTrue(label.startswith(b"%PDF-"))
        self.assertEqual(PdfFileReader(io.BytesIO(label)).getNumPages(), 1)
        self.assertEqual(picking.fulfilment_shipment_state, "sent")
        self.assertEqual(order.fulfilment_status_id.auto_event, "awb_created")
        self.assertTrue(
            self.env["fulfilment.courier.log"].search_count(
                [("picking_id", "=", picking.id)]
            )
        )

    def test_tracking_moves_order_status(self):
        """Polled tracking events are stored once, mapped, and move the order."""
        order, picking = self._confirmed_delivery()
        picking.action_fulfilment_send_to_courier()
        awb = picking.carrier_tracking_ref
        now = courier_now()
        self.fake.add_event(
            awb, self.picked_up_code, "Picked up", "Bucuresti", now - timedelta(hours=2)
        )
        self._track()
        self.assertEqual(order.fulfilment_status_id, self.status_shipping)
        self.assertIn(
            self.picked_up_status,
            picking.fulfilment_tracking_event_ids.mapped("normalized_status"),
        )
        self.fake.add_event(awb, self.delivered_code, "Delivered", "Bucuresti", now)
        self._track()
        count = len(picking.fulfilment_tracking_event_ids)
        self._track()
        self.assertEqual(len(picking.fulfilment_tracking_event_ids), count)
        self.assertEqual(picking.fulfilment_tracking_status, "delivered")
        self.assertTrue(picking.fulfilment_tracking_final)
        self.assertEqual(order.fulfilment_status_id.auto_event, "delivered")

    def test_late_event_does_not_rewind(self):
        """An event older than the newest known one is kept but moves nothing back."""
        order, picking = self._confirmed_delivery()
        picking.action_fulfilment_send_to_courier()
        awb = picking.carrier_tracking_ref
        now = courier_now()
        self.fake.add_event(awb, self.delivered_code, "Delivered", "Bucuresti", now)
        picking.action_fulfilment_refresh_tracking()
        self.assertEqual(order.fulfilment_status_id.auto_event, "delivered")
        known = len(picking.fulfilment_tracking_event_ids)
        # The courier reports the pick-up afterwards, with its earlier time.
        self.fake.add_event(
            awb, self.picked_up_code, "Picked up", "Bucuresti", now - timedelta(hours=3)
        )
        picking.action_fulfilment_refresh_tracking()
        self.assertEqual(len(picking.fulfilment_tracking_event_ids), known + 1)
        self.assertEqual(picking.fulfilment_tracking_status, "delivered")
        self.assertTrue(picking.fulfilment_tracking_final)
        self.assertEqual(order.fulfilment_status_id.auto_event, "delivered")

    def test_unknown_code_kept(self):
        """An unknown tracking code is stored as unknown, never dropped."""
        _order, picking = self._confirmed_delivery()
        picking.action_fulfilment_send_to_courier()
        self.fake.add_event(picking.carrier_tracking_ref, "999", "Something new")
        picking.action_fulfilment_refresh_tracking()
        unknown = picking.fulfilment_tracking_event_ids.filtered(
            lambda e: e.code == "999"
        )
        self.assertEqual(unknown.normalized_status, "unknown")

    def test_cancel_awb(self):
        """A shipment not yet picked up is cancelled at the courier."""
        _order, picking = self._confirmed_delivery()
        picking.action_fulfilment_send_to_courier()
        awb = picking.carrier_tracking_ref
        picking.action_fulfilment_cancel_awb()
        self.assertIn(awb, self.fake.cancelled)
        self.assertFalse(picking.carrier_tracking_ref)
        self.assertEqual(picking.fulfilment_shipment_state, "cancelled")

    def test_token_expiry_relogin(self):
        """An expired token is renewed once and the shipment goes through."""
        _order, first = self._confirmed_delivery()
        first.action_fulfilment_send_to_courier()
        self.fake.fail_next("expire_token")
        _order, second = self._confirmed_delivery()
        second.action_fulfilment_send_to_courier()
        self.assertTrue(second.carrier_tracking_ref)

    def test_error_in_200_surfaced(self):
        """A refusal inside a 200 reply is shown and kept; nothing is created."""
        _order, picking = self._confirmed_delivery()
        self.fake.fail_next("error_in_200")
        error = self._user_error(picking.action_fulfilment_send_to_courier)
        self.assertIn(self.carrier.name, error.args[0])
        self.assertFalse(picking.carrier_tracking_ref)
        picking.invalidate_recordset()
        self.assertEqual(picking.fulfilment_shipment_state, "failed")
        self.assertTrue(picking.fulfilment_shipment_error)
        self.assertFalse(self.fake.shipments)

    def test_timeout_then_created_gives_one_awb(self):
        """The courier creates the AWB but answers too late: the retry adopts it."""
        _order, picking = self._confirmed_delivery()
        with self._courier_answers_late():
            self._user_error(picking.action_fulfilment_send_to_courier)
        self.assertEqual(len(self.fake.shipments), 1)
        picking.invalidate_recordset()
        self.assertEqual(picking.fulfilment_shipment_state, "unknown")
        picking.action_fulfilment_send_to_courier()
        self.assertEqual(len(self.fake.shipments), 1)
        self.assertEqual(picking.carrier_tracking_ref, next(iter(self.fake.shipments)))

    def _assert_one_awb_after(self, mode):
        """The courier creates the AWB but its answer is lost as ``mode`` has
        it: the delivery is left "no answer", and sending again adopts that
        AWB instead of creating a second one."""
        _order, picking = self._confirmed_delivery()
        self.fake.fail_next(mode)
        error = self._user_error(picking.action_fulfilment_send_to_courier)
        self.assertIn("no second AWB", error.args[0])
        self.assertEqual(len(self.fake.shipments), 1)
        picking.invalidate_recordset()
        self.assertEqual(picking.fulfilment_shipment_state, "unknown")
        self.assertFalse(picking.carrier_tracking_ref)
        picking.action_fulfilment_send_to_courier()
        self.assertEqual(len(self.fake.shipments), 1)
        self.assertEqual(picking.carrier_tracking_ref, next(iter(self.fake.shipments)))

    def test_create_then_5xx_gives_one_awb(self):
        """A 5xx from the courier's gateway after the AWB was created is not a
        refusal: sending again adopts that AWB, one AWB in all."""
        self._assert_one_awb_after("http_5xx_after_create")

    def test_create_then_reset_gives_one_awb(self):
        """A connection reset after the courier received the request and
        created the AWB: sending again adopts that AWB, one AWB in all."""
        self._assert_one_awb_after("reset_after_create")

    def test_label_503_books_the_awb_label_pending(self):
        """The label failing after the AWB was created: the AWB is booked at
        once, the label shows as pending, and Retry Label fetches it; one AWB
        in all."""
        order, picking = self._confirmed_delivery()
        self.fake.fail_next("label_503")
        picking.action_fulfilment_send_to_courier()
        self.assertEqual(list(self.fake.shipments), [picking.carrier_tracking_ref])
        self.assertEqual(order.fulfilment_status_id.auto_event, "awb_created")
        picking.invalidate_recordset()
        self.assertFalse(picking.fulfilment_label_id)
        self.assertTrue(picking.fulfilment_label_pending)
        self.assertIn("label pending", picking.fulfilment_shipment_error)
        self.assertIn(picking.carrier_tracking_ref, picking.fulfilment_shipment_error)
        with self.assertRaises(UserError):
            picking.action_fulfilment_send_to_courier()
        picking.action_fulfilment_retry_label()
        picking.invalidate_recordset()
        label = base64.b64decode(picking.fulfilment_label_id.datas)
        self.assertTrue(label.startswith(b"%PDF-"))
        self.assertFalse(picking.fulfilment_label_pending)
        self.assertFalse(picking.fulfilment_shipment_error)
        self.assertEqual(len(self.fake.shipments), 1)

    def test_answer_without_label_booked_label_pending(self):
        """An AWB recorded before its label came (the process stopped in
        between) is booked by the next send without asking the courier for
        another; its label is then pending."""
        _order, picking = self._confirmed_delivery()
        awb = (
            self.carrier._fulfilment_client()
            .create_shipment(
                self.carrier._fulfilment_shipment_request(picking, "key-crash")
            )
            .awb
        )
        self.env["fulfilment.shipment.attempt"]._write_detached(
            picking.id,
            {
                "carrier_id": self.carrier.id,
                "idempotency_key": "key-crash",
                "state": "sent",
                "awb": awb,
                "attempted_at": fields.Datetime.subtract(
                    fields.Datetime.now(), minutes=5
                ),
            },
        )
        requests_before = len(self.fake.requests)
        picking.action_fulfilment_send_to_courier()
        self.assertEqual(picking.carrier_tracking_ref, awb)
        self.assertEqual(len(self.fake.requests), requests_before)
        self.assertEqual(len(self.fake.shipments), 1)
        picking.invalidate_recordset()
        self.assertTrue(picking.fulfilment_label_pending)

    def test_stop_before_label_keeps_the_awb(self):
        """The server stops after the courier gave the AWB, while its label is
        asked for: the AWB is recorded already, so the next send books it
        without creating another (its label then pending)."""
        _order, picking = self._confirmed_delivery()

        class ServerStopped(Exception):
            pass

        # Not Odoo's assertRaises: its savepoint would undo what was written
        # on the side, which a real stop keeps.
        stopped = False
        with patch.object(shipping, "_fetch_label", side_effect=ServerStopped):
            try:
                picking.action_fulfilment_send_to_courier()
            except ServerStopped:
                stopped = True
        self.assertTrue(stopped)
        self.assertEqual(len(self.fake.shipments), 1)
        awb = next(iter(self.fake.shipments))
        picking.invalidate_recordset()
        self.assertEqual(picking.fulfilment_attempt_id.awb, awb)
        picking.action_fulfilment_send_to_courier()
        self.assertEqual(picking.carrier_tracking_ref, awb)
        self.assertEqual(list(self.fake.shipments), [awb])

    def test_login_token_not_logged(self):
        """The courier logs keep neither the password nor the token the login
        answered, in what was sent or received."""
        self.carrier.sudo().write(
            {"fulfilment_token": False, "fulfilment_token_expiry": False}
        )
        self.env.flush_all()
        _order, picking = self._confirmed_delivery()
        picking.action_fulfilment_send_to_courier()
        logs = self.env["fulfilment.courier.log"].search(
            [("carrier_id", "=", self.carrier.id)]
        )
        self.assertTrue(logs)
        secrets = ["demo-pass"]
        if self.uses_tokens:
            token = self.carrier.sudo().fulfilment_token
            self.assertTrue(token)
            secrets.append(token)
        for log in logs:
            for secret in secrets:
                self.assertNotIn(secret, log.request_body or "")
                self.assertNotIn(secret, log.response_body or "")

    def test_second_click_while_sending_does_nothing(self):
        """While an attempt is in flight, another click calls nobody."""
        _order, picking = self._confirmed_delivery()
        self.env["fulfilment.shipment.attempt"]._write_detached(
            picking.id,
            {
                "carrier_id": self.carrier.id,
                "idempotency_key": "in-flight",
                "state": "sending",
                "attempted_at": fields.Datetime.now(),
            },
        )
        requests_before = len(self.fake.requests)
        error = self._user_error(picking.action_fulfilment_send_to_courier)
        self.assertIn("right now", error.args[0])
        self.assertEqual(len(self.fake.requests), requests_before)

    def test_recorded_answer_booked_without_calling_again(self):
        """The courier's whole answer (AWB, label) is kept with the attempt: when
        booking it on the delivery fails, sending again books that answer and
        calls nobody."""
        _order, picking = self._confirmed_delivery()

        def broken(carrier, *args):
            raise UserError(carrier.env._("The label printer is offline."))

        Carrier = self.registry["delivery.carrier"]
        with (
            patch.object(Carrier, "_fulfilment_book_many", broken),
            patch.object(Carrier, "_fulfilment_book", broken),
        ):
            results = self.env["delivery.carrier"]._fulfilment_send_batch(picking)
        self.assertEqual([(p, ok) for p, ok, _message in results], [(picking, False)])
        self.assertEqual(len(self.fake.shipments), 1)
        self.assertFalse(picking.carrier_tracking_ref)
        requests = len(self.fake.requests)
        picking.action_fulfilment_send_to_courier()
        self.assertEqual(len(self.fake.requests), requests)
        self.assertEqual(picking.carrier_tracking_ref, next(iter(self.fake.shipments)))
        label = base64.b64decode(picking.fulfilment_label_id.datas)
        self.assertTrue(label.startswith(b"%PDF-"))

    def test_batch_booked_at_once(self):
        """A batch books every AWB as sending one delivery does: the AWB and
        shipping price on the delivery, its label attached, a note with the
        AWB in its chatter, the courier cost and the "AWB created" status on
        its order, the customer's notification queued (not sent)."""
        self.env.ref(
            "order_fulfilment.status_ready_to_ship"
        ).mail_template_id = self.env.ref(
            "order_fulfilment.mail_template_status_update"
        )
        orders, pickings = self.env["sale.order"], self.env["stock.picking"]
        for _index in range(3):
            order, picking = self._confirmed_delivery()
            orders |= order
            pickings |= picking
        queued_before = self.env["fulfilment.notification"].search_count(
            [("order_id", "in", orders.ids)]
        )
        results = self.env["delivery.carrier"]._fulfilment_send_batch(pickings)
        self.assertEqual([ok for _picking, ok, _message in results], [True] * 3)
        self.assertEqual(len(self.fake.shipments), 3)
        self.assertEqual(
            set(pickings.mapped("carrier_tracking_ref")), set(self.fake.shipments)
        )
        for order, picking in zip(orders, pickings, strict=True):
            awb = picking.carrier_tracking_ref
            label = base64.b64decode(picking.fulfilment_label_id.datas)
            self.assertTrue(label.startswith(b"%PDF-"))
            self.assertEqual(picking.fulfilment_label_id.res_id, picking.id)
            self.assertIn(awb, picking.fulfilment_label_id.name)
            self.assertTrue(
                any(awb in message.body for message in picking.message_ids),
                "the delivery's chatter names its AWB",
            )
            self.assertAlmostEqual(
                order.fulfilment_courier_cost, picking.fulfilment_courier_price
            )
            self.assertEqual(order.fulfilment_status_id.auto_event, "awb_created")
        self.assertEqual(
            self.env["fulfilment.notification"].search_count(
                [("order_id", "in", orders.ids), ("state", "=", "queued")]
            ),
            queued_before + 3,
        )

    def test_batch_booked_chunk_after_chunk(self):
        """A batch larger than a chunk books the AWBs of each chunk (outside
        tests, while the calls of the next chunk run): every delivery gets
        its own AWB, its attempt the AWB, the courier one shipment each."""
        orders, pickings = self.env["sale.order"], self.env["stock.picking"]
        for _index in range(3):
            order, picking = self._confirmed_delivery()
            orders |= order
            pickings |= picking
        with patch.object(delivery_carrier_shipment_batch, "BULK_CHUNK", 2):
            results = self.env["delivery.carrier"]._fulfilment_send_batch(pickings)
        self.assertEqual([ok for _picking, ok, _message in results], [True] * 3)
        self.assertEqual(len(self.fake.shipments), 3)
        self.assertEqual(
            set(pickings.mapped("carrier_tracking_ref")), set(self.fake.shipments)
        )
        pickings.invalidate_recordset()
        for picking in pickings:
            self.assertEqual(picking.fulfilment_attempt_id.state, "sent")
            self.assertEqual(
                picking.fulfilment_attempt_id.awb, picking.carrier_tracking_ref
            )
        self.assertEqual(
            set(orders.mapped("fulfilment_status_id.auto_event")), {"awb_created"}
        )

    def test_batch_logs_in_once(self):
        """The deliveries of a batch, sent in parallel, share one login."""
        self.carrier.sudo().write(
            {"fulfilment_token": False, "fulfilment_token_expiry": False}
        )
        pickings = self.env["stock.picking"]
        for _index in range(3):
            pickings |= self._confirmed_delivery()[1]
        logins = self.fake.login_count
        pickings.action_fulfilment_send_to_courier()
        self.assertTrue(all(pickings.mapped("carrier_tracking_ref")))
        self.assertEqual(self.fake.login_count, logins + (1 if self.uses_tokens else 0))

    uses_tokens = True


class TrackingFeedCase:
    """Scenarios of the couriers that publish a change feed of tracking events."""

    feed_path = ""
    track_path = ""  # start of the path of the per-AWB tracking request

    def _asked_awb_by_awb(self, since_index):
        return [
            request
            for request in self.fake.requests[since_index:]
            if request.path.startswith(self.track_path)
        ]

    def test_tracking_feed_after_first_poll(self):
        """Once polled AWB by AWB, the courier is asked only for what changed."""
        order, picking = self._confirmed_delivery()
        picking.action_fulfilment_send_to_courier()
        self._track()
        self.assertTrue(self._asked_awb_by_awb(0))
        self.assertTrue(self.carrier.fulfilment_tracking_synced_at)
        before = len(self.fake.requests)
        self.fake.add_event(
            picking.carrier_tracking_ref,
            self.picked_up_code,
            "Picked up",
            "Bucuresti",
            courier_now(),
        )
        self._track()
        self.assertTrue(
            [r for r in self.fake.requests[before:] if r.path == self.feed_path]
        )
        self.assertFalse(self._asked_awb_by_awb(before))
        self.assertIn(
            self.picked_up_status,
            picking.fulfilment_tracking_event_ids.mapped("normalized_status"),
        )
        self.assertEqual(order.fulfilment_status_id, self.status_shipping)

    def test_tracking_feed_too_old_polls_again(self):
        """A feed left unread for days is not trusted: every AWB is asked again."""
        _order, picking = self._confirmed_delivery()
        picking.action_fulfilment_send_to_courier()
        self.carrier.fulfilment_tracking_synced_at = fields.Datetime.subtract(
            fields.Datetime.now(), days=3
        )
        before = len(self.fake.requests)
        self._track()
        self.assertTrue(self._asked_awb_by_awb(before))
        self.assertFalse(
            [r for r in self.fake.requests[before:] if r.path == self.feed_path]
        )


@tagged("post_install", "-at_install")
class TestFanCourierShipping(CourierCase, FulfilmentCommon):
    delivery_type = "fan_courier"
    fake_class = FakeFanCourier
    carrier_values = {
        "fulfilment_client_id": "7032158",
        "fulfilment_service": "Standard",
    }
    picked_up_code = "C0"
    delivered_code = "S2"

    def sent_cod(self):
        body = json.loads(self.fake.requests_to("intern-awb")[-1].body)
        return body["shipments"][0]["info"]["cod"]

    def test_bulk_mixed_results(self):
        """Bulk sending reports each delivery; one refusal does not stop the rest."""
        pickings = self.env["stock.picking"]
        for _index in range(3):
            pickings |= self._confirmed_delivery()[1]
        broken = pickings[1]
        broken.partner_id = self.env["res.partner"].create({"name": "No City"})
        # Past the address check (a manager accepted it): the courier refuses.
        broken.fulfilment_address_override = True
        action = pickings.action_fulfilment_send_to_courier()
        result = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(result.success_count, 2)
        self.assertEqual(result.refused_count, 1)
        refused = result.line_ids.filtered(lambda line: not line.success)
        self.assertEqual(refused.record_ref, broken)
        self.assertIn("Localitatea", refused.message)
        self.assertFalse(broken.carrier_tracking_ref)
        self.assertTrue(all((pickings - broken).mapped("carrier_tracking_ref")))
        # Sending the same selection again creates nothing twice.
        broken.partner_id = self.customer
        pickings.filtered(
            lambda p: not p.carrier_tracking_ref
        ).action_fulfilment_send_to_courier()
        self.assertEqual(len(self.fake.shipments), 3)

    def test_bulk_timeout_then_rerun_gives_one_awb_each(self):
        """A bulk send where the courier creates an AWB but answers too late:
        sending the selection again adopts that AWB instead of a second one."""
        pickings = self.env["stock.picking"]
        for _index in range(3):
            pickings |= self._confirmed_delivery()[1]
        with self._courier_answers_late():
            action = pickings.action_fulfilment_send_to_courier()
        result = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual((result.success_count, result.refused_count), (2, 1))
        self.assertEqual(len(self.fake.shipments), 3)
        late = pickings.filtered(lambda p: not p.carrier_tracking_ref)
        late.invalidate_recordset()
        self.assertEqual(late.fulfilment_shipment_state, "unknown")
        pickings.filtered(
            lambda p: not p.carrier_tracking_ref
        ).action_fulfilment_send_to_courier()
        self.assertEqual(len(self.fake.shipments), 3)
        self.assertEqual(
            set(pickings.mapped("carrier_tracking_ref")), set(self.fake.shipments)
        )

    def test_background_queue(self):
        """Queued deliveries are sent by the scheduled job."""
        pickings = self._confirmed_delivery()[1] | self._confirmed_delivery()[1]
        pickings.write(
            {"fulfilment_send_queued": True, "fulfilment_queued_by_id": self.env.uid}
        )
        self.env["delivery.carrier"]._cron_fulfilment_send_queued()
        self.assertTrue(all(pickings.mapped("carrier_tracking_ref")))
        self.assertFalse(any(pickings.mapped("fulfilment_send_queued")))

    def test_background_queue_keeps_deliveries_being_sent(self):
        """A queued delivery that another transaction is sending right now is
        skipped by the queue job and stays queued; the others leave the queue
        once sent."""
        sent, busy = self._confirmed_delivery()[1], self._confirmed_delivery()[1]
        (sent | busy).write(
            {"fulfilment_send_queued": True, "fulfilment_queued_by_id": self.env.uid}
        )
        self.env["fulfilment.shipment.attempt"]._write_detached(
            busy.id,
            {
                "carrier_id": self.carrier.id,
                "idempotency_key": "in-flight",
                "state": "sending",
                "attempted_at": fields.Datetime.now(),
            },
        )
        cron = self.env.ref("order_fulfilment.ir_cron_fulfilment_send_queued")
        cron, progress = cron._add_progress()
        cron.env["delivery.carrier"]._cron_fulfilment_send_queued()
        self.assertTrue(sent.carrier_tracking_ref)
        self.assertFalse(sent.fulfilment_send_queued)
        self.assertFalse(busy.carrier_tracking_ref)
        self.assertTrue(busy.fulfilment_send_queued)
        self.assertEqual((progress.done, progress.remaining), (1, 1))

    def test_background_queue_keeps_locked_deliveries(self):
        """A queued delivery whose row another transaction holds is not sent
        by the queue job and stays queued."""
        sent, locked = self._confirmed_delivery()[1], self._confirmed_delivery()[1]
        (sent | locked).write(
            {"fulfilment_send_queued": True, "fulfilment_queued_by_id": self.env.uid}
        )
        Carrier = self.registry["delivery.carrier"]
        claim = Carrier._fulfilment_claim

        def claim_all_but_locked(carrier, pickings):
            # Another transaction holds the row of ``locked``.
            return claim(carrier, pickings - locked)

        with patch.object(Carrier, "_fulfilment_claim", claim_all_but_locked):
            self.env["delivery.carrier"]._cron_fulfilment_send_queued()
        self.assertTrue(sent.carrier_tracking_ref)
        self.assertFalse(sent.fulfilment_send_queued)
        self.assertFalse(locked.carrier_tracking_ref)
        self.assertTrue(locked.fulfilment_send_queued)

    def test_background_queue_drops_refused_addresses(self):
        """A queued delivery refused by the address check (before any courier
        call) was dealt with: it leaves the queue with its refusal, and does
        not hold back the deliveries queued after it."""
        refused, sent = self._confirmed_delivery()[1], self._confirmed_delivery()[1]
        refused.partner_id = self.env["res.partner"].create({"name": "No City"})
        (refused | sent).write(
            {"fulfilment_send_queued": True, "fulfilment_queued_by_id": self.env.uid}
        )
        cron = self.env.ref("order_fulfilment.ir_cron_fulfilment_send_queued")
        cron, progress = cron._add_progress()
        cron.env["delivery.carrier"]._cron_fulfilment_send_queued(limit=1)
        self.assertFalse(refused.carrier_tracking_ref)
        self.assertFalse(refused.fulfilment_send_queued)
        self.assertEqual((progress.done, progress.remaining), (1, 1))
        cron.env["delivery.carrier"]._cron_fulfilment_send_queued(limit=1)
        self.assertTrue(sent.carrier_tracking_ref)
        self.assertFalse(sent.fulfilment_send_queued)
        self.assertEqual(list(self.fake.shipments), [sent.carrier_tracking_ref])

    def test_background_queue_in_batches(self):
        """The queue job sends at most its limit per run and tells the scheduler
        how many remain; the next run sends the rest."""
        pickings = self.env["stock.picking"]
        for _index in range(3):
            pickings |= self._confirmed_delivery()[1]
        pickings.write(
            {"fulfilment_send_queued": True, "fulfilment_queued_by_id": self.env.uid}
        )
        cron = self.env.ref("order_fulfilment.ir_cron_fulfilment_send_queued")
        cron, progress = cron._add_progress()
        cron.env["delivery.carrier"]._cron_fulfilment_send_queued(limit=2)
        self.assertEqual((progress.done, progress.remaining), (2, 1))
        sent = pickings.filtered("carrier_tracking_ref")
        self.assertEqual(len(sent), 2)
        self.assertFalse(any(sent.mapped("fulfilment_send_queued")))
        self.assertTrue((pickings - sent).fulfilment_send_queued)
        cron, progress = cron._add_progress()
        cron.env["delivery.carrier"]._cron_fulfilment_send_queued(limit=2)
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        self.assertTrue(all(pickings.mapped("carrier_tracking_ref")))
        self.assertEqual(len(self.fake.shipments), 3)

    def test_tracking_job_in_batches(self):
        """The tracking job asks at most its limit of shipments per run and tells
        the scheduler how many remain; the next run asks the others; once all
        were asked, a new sweep starts."""
        pickings = self.env["stock.picking"]
        for _index in range(3):
            pickings |= self._confirmed_delivery()[1]
        pickings.action_fulfilment_send_to_courier()
        cron = self.env.ref("order_fulfilment.ir_cron_fulfilment_track_shipments")
        asked = []
        for expected in ((2, 1), (1, 0), (2, 1)):
            before = len(self.fake.requests)
            cron, progress = cron._add_progress()
            cron.env["delivery.carrier"]._cron_fulfilment_track_shipments(limit=2)
            self.assertEqual((progress.done, progress.remaining), expected)
            asked.append(
                {
                    awb
                    for request in self.fake.requests_to("reports/awb/tracking")
                    if request in self.fake.requests[before:]
                    for awb in request.query["awb[]"]
                }
            )
        self.assertEqual(
            asked[0] | asked[1], set(pickings.mapped("carrier_tracking_ref"))
        )
        self.assertFalse(asked[0] & asked[1])
        self.assertEqual(len(asked[2]), 2)
        self.assertTrue(all(pickings.mapped("fulfilment_tracking_checked_at")))

    def test_merged_labels(self):
        """The labels of several deliveries print as one PDF."""
        pickings = self._confirmed_delivery()[1] | self._confirmed_delivery()[1]
        for picking in pickings:
            picking.action_fulfilment_send_to_courier()
        action = pickings.action_fulfilment_print_labels()
        attachment_id = int(action["url"].split("/web/content/")[1].split("?")[0])
        merged = base64.b64decode(self.env["ir.attachment"].browse(attachment_id).datas)
        self.assertEqual(PdfFileReader(io.BytesIO(merged)).getNumPages(), 2)


@tagged("post_install", "-at_install")
class TestSamedayShipping(TrackingFeedCase, CourierCase, FulfilmentCommon):
    delivery_type = "sameday"
    fake_class = FakeSameday
    carrier_values = {"fulfilment_service": "7", "fulfilment_pickup_point": "1234"}
    picked_up_code = "4"
    delivered_code = "9"
    feed_path = "/api/client/status-sync"
    track_path = "/api/client/awb/"

    def sent_cod(self):
        from urllib.parse import parse_qs

        creation = [r for r in self.fake.requests if r.path == "/api/awb"][-1]
        return float(parse_qs(creation.body.decode())["cashOnDelivery"][0])


@tagged("post_install", "-at_install")
class TestCargusShipping(TrackingFeedCase, CourierCase, FulfilmentCommon):
    delivery_type = "cargus"
    fake_class = FakeCargus
    carrier_values = {
        "fulfilment_subscription_key": "demo-subscription-key",
        "fulfilment_pickup_point": "201",
    }
    picked_up_code = "2"
    delivered_code = "5"
    feed_path = "/AwbTrace/GetDeltaEvents"
    track_path = "/AwbTrace/WithRedirect"

    def sent_cod(self):
        return json.loads(self.fake.requests_to("Awbs/WithGetAwb")[-1].body)[
            "CashRepayment"
        ]


@tagged("post_install", "-at_install")
class TestGlsShipping(CourierCase, FulfilmentCommon):
    delivery_type = "gls"
    fake_class = FakeGls
    carrier_values = {"fulfilment_client_id": "100000001"}
    picked_up_code = "2"
    picked_up_status = "in_transit"  # GLS reports no separate pick-up
    delivered_code = "5"

    uses_tokens = False  # GLS sends the password digest in every request

    def sent_cod(self):
        body = self.fake.requests_to("ParcelService.svc/soap")[-1].body.decode()
        start = body.index("CODAmount>") + len("CODAmount>")
        return float(body[start : body.index("<", start)])

    def test_label_503_books_the_awb_label_pending(self):
        """GLS gives the label with the AWB (PrintLabels): it is attached at
        once and no label is left pending."""
        _order, picking = self._confirmed_delivery()
        self.fake.fail_next("label_503")
        picking.action_fulfilment_send_to_courier()
        self.assertEqual(list(self.fake.shipments), [picking.carrier_tracking_ref])
        picking.invalidate_recordset()
        self.assertTrue(picking.fulfilment_label_id)
        self.assertFalse(picking.fulfilment_label_pending)

    def test_cancel_uses_the_parcel_id_kept_with_the_awb(self):
        """GLS deletes a parcel by its ParcelId: the one that came with the AWB
        is kept on the delivery and used, without looking the parcel up."""
        _order, picking = self._confirmed_delivery()
        picking.action_fulfilment_send_to_courier()
        parcel_id = picking.fulfilment_parcel_id
        self.assertEqual(
            parcel_id,
            str(self.fake.shipments[picking.carrier_tracking_ref]["parcel_id"]),
        )
        before = len(self.fake.requests)
        picking.action_fulfilment_cancel_awb()
        actions = [
            request.headers.get("SOAPAction", "").strip('"').rsplit("/", 1)[-1]
            for request in self.fake.requests[before:]
        ]
        self.assertEqual(actions, ["DeleteLabels"])
        self.assertEqual(picking.fulfilment_shipment_state, "cancelled")

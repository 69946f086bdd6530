import json

import requests

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..payments import netopia
from ..payments.fakes import FakeNetopia
from ..payments.fakes.netopia import make_key_pair
from .payment_card_common import CardProcessorCase


@tagged("post_install", "-at_install")
class TestNetopiaPayments(CardProcessorCase):
    """NETOPIA Payments v2 through the shop, against the local fake NETOPIA."""

    fake_class = FakeNetopia
    provider_code = "netopia"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls.env.ref("order_fulfilment.payment_provider_netopia")
        cls.provider.write(
            {
                "state": "test",
                "is_published": True,
                "netopia_pos_signature": cls.fake.pos_signature,
                "netopia_api_key": cls.fake.api_key,
                "netopia_public_key": cls.fake.public_key_pem,
                "netopia_api_url": cls.fake.url,
            }
        )

    def _pay_order(self):
        order = self._create_order()
        tx, processing_values = self._checkout(order)
        ntp_id = self.fake.ntp_id_for(tx.reference)
        return order, tx, ntp_id, processing_values

    def test_checkout_paid_by_ipn(self):
        """Checkout starts a NETOPIA payment, its IPN pays it: the order is "Paid"."""
        order, tx, ntp_id, processing_values = self._pay_order()
        start = self.fake.requests_to(netopia.START_PATH)[-1]
        self.assertEqual(start.headers["Authorization"], self.fake.api_key)
        body = start.json()
        self.assertEqual(body["order"]["orderID"], tx.reference)
        self.assertEqual(body["order"]["posSignature"], self.fake.pos_signature)
        self.assertEqual(body["order"]["amount"], 150.0)
        self.assertEqual(body["order"]["currency"], "RON")
        self.assertEqual(body["order"]["billing"]["country"], 642)
        self.assertEqual(body["payment"]["instrument"], {"type": "card"})
        self.assertEqual(
            body["config"]["notifyUrl"], self.base_url() + "/payment/netopia/webhook"
        )
        # The redirect form sends the customer to the payment page NETOPIA gave.
        form = processing_values["redirect_form_html"]
        self.assertIn(f"{self.fake.url}payment/card/page", form)
        self.assertIn(f'value="{ntp_id}"', form)
        page = requests.get(
            f"{self.fake.url}payment/card/page", params={"ntpID": ntp_id}, timeout=10
        )
        self.assertEqual(page.status_code, 200)

        answer = self.fake.settle(ntp_id, netopia.STATUS_PAID)
        self.assertEqual(answer.status_code, 200, answer.text)
        self.assertEqual(
            answer.json(), {"errorType": 0, "errorCode": None, "errorMessage": ""}
        )
        self._refresh()
        self.assertEqual(tx.state, "done")
        self.assertEqual(tx.provider_reference, ntp_id)

        self.url_open(body["config"]["redirectUrl"])  # back from NETOPIA's page
        self.assertEqual(self._poll_status()["state"], "done")
        self._refresh()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.fulfilment_status_id, self.paid_status)
        self.assertTrue(order.fulfilment_paid_date)

    def test_forged_ipn_refused(self):
        """An IPN signed by another key, for another POS or body changes nothing."""
        order, tx, ntp_id, _values = self._pay_order()
        other_private_key, _other_public = make_key_pair()
        raw_body = self.fake.ipn_body(ntp_id, netopia.STATUS_PAID)
        forgeries = [
            (raw_body, self.fake.token(raw_body, private_key_pem=other_private_key)),
            (raw_body, self.fake.token(raw_body, audience="OTHER-POS0-SIGN-TURE-0002")),
            (raw_body, self.fake.token(raw_body, issuer="Someone Else")),
            (raw_body, self.fake.token(raw_body, lifetime=-60)),  # expired
            (raw_body, ""),
            (raw_body, self.fake.token(b'{"payment": {"status": 3}}')),  # another body
        ]
        for forged_body, token in forgeries:
            answer = self.fake.send_ipn(ntp_id, forged_body, token)
            self.assertEqual(answer.status_code, 400, answer.text)
            self.assertEqual(answer.json()["errorType"], 2)
        self._refresh()
        self.assertEqual(tx.state, "draft")
        self.assertFalse(
            self.env["fulfilment.payment.notification"].search(
                [("reference", "=", tx.reference)]
            )
        )
        self.assertEqual(order.state, "draft")

    def test_replayed_ipn_changes_nothing(self):
        """The same signed IPN twice is acknowledged once and processed once."""
        order, tx, ntp_id, _values = self._pay_order()
        self.fake.settle(ntp_id, netopia.STATUS_PAID)
        # NETOPIA credits the payment from its admin: the shop is told once.
        raw_body = self.fake.ipn_body(ntp_id, netopia.STATUS_CREDIT, amount=20.0)
        token = self.fake.token(raw_body)
        first = self.fake.send_ipn(ntp_id, raw_body, token)
        replay = self.fake.send_ipn(ntp_id, raw_body, token)
        self.assertEqual((first.status_code, replay.status_code), (200, 200))
        self._refresh()
        notes = order.message_ids.filtered(lambda m: "credited" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertEqual(tx.state, "done")
        self.assertEqual(
            self.env["fulfilment.payment.notification"].search_count(
                [("reference", "=", tx.reference)]
            ),
            2,
        )

    def test_amount_or_currency_mismatch_refused(self):
        """A paid IPN for another amount or currency is refused and pays nothing."""
        order, tx, ntp_id, _values = self._pay_order()
        for overrides in ({"amount": 1.0}, {"currency": "EUR"}):
            answer = self.fake.settle(ntp_id, netopia.STATUS_PAID, **overrides)
            self.assertEqual(answer.status_code, 400, answer.text)
            self.assertIn("mismatch", answer.json()["errorMessage"])
        self._refresh()
        self.assertEqual(tx.state, "draft")
        self.assertFalse(order.fulfilment_paid_date)

    def test_cancelled_and_rejected_statuses(self):
        """Status 4 (void) cancels the transaction, 12 (declined) puts it in error."""
        _order, cancelled_tx, cancelled_ntp, _values = self._pay_order()
        _order, declined_tx, declined_ntp, _values = self._pay_order()
        self.assertEqual(
            self.fake.settle(cancelled_ntp, netopia.STATUS_CANCELED).status_code, 200
        )
        self.assertEqual(
            self.fake.settle(declined_ntp, netopia.STATUS_DECLINED).status_code, 200
        )
        pending_order, pending_tx, pending_ntp, _values = self._pay_order()
        self.fake.settle(pending_ntp, netopia.STATUS_PENDING_AUTH)
        self._refresh()
        self.assertEqual(cancelled_tx.state, "cancel")
        self.assertEqual(declined_tx.state, "error")
        self.assertIn("Declined", declined_tx.state_message)
        self.assertEqual(pending_tx.state, "pending")
        self.assertFalse(pending_order.fulfilment_paid_date)

    def test_refund_from_odoo_credits_netopia(self):
        """A refund from Odoo sends /operation/credit with the NETOPIA id and amount."""
        _order, tx, ntp_id, _values = self._pay_order()
        self.fake.settle(ntp_id, netopia.STATUS_PAID)
        self._refresh()
        credits_before = len(self.fake.credits)
        tx.action_refund(amount_to_refund=50.0)
        credit = self.fake.requests_to(netopia.CREDIT_PATH)[-1]
        self.assertEqual(credit.headers["Authorization"], self.fake.api_key)
        self.assertEqual(json.loads(credit.body), {"ntpID": ntp_id, "amount": 50.0})
        refund = tx.child_transaction_ids
        self.assertEqual(refund.operation, "refund")
        self.assertEqual(refund.amount, -50.0)
        self.assertEqual(refund.state, "done")
        # NETOPIA refuses more than what is left: nothing is recorded.
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            tx.action_refund(amount_to_refund=150.0)
        self.assertEqual(len(tx.child_transaction_ids), 1)
        self.assertEqual(len(self.fake.credits), credits_before + 1)

    def test_start_error_is_shown_and_nothing_started(self):
        """NETOPIA's error answer (code 56, duplicate order) stops the checkout."""
        order = self._create_order()
        tx = self.env["payment.transaction"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.card.id,
                "reference": "NTP-DUP-1",
                "operation": "online_redirect",
                "amount": order.amount_total,
                "currency_id": self.ron.id,
                "partner_id": self.partner.id,
                "sale_order_ids": [(6, 0, order.ids)],
            }
        )
        self.fake.payments["999"] = {
            "order_id": tx.reference,
            "amount": 1.0,
            "currency": "RON",
        }
        with self.assertRaisesRegex(ValidationError, "Order closed"):
            tx._get_processing_values()
        self.assertFalse(tx.provider_reference)

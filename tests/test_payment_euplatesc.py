import requests

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..payments import euplatesc
from ..payments.fakes import FakeEuPlatesc
from .payment_card_common import CardProcessorCase


@tagged("post_install", "-at_install")
class TestEuPlatescPayments(CardProcessorCase):
    """EuPlatesc through the shop, against the local fake EuPlatesc."""

    fake_class = FakeEuPlatesc
    provider_code = "euplatesc"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls.env.ref("order_fulfilment.payment_provider_euplatesc")
        cls.provider.write(
            {
                "state": "test",
                "is_published": True,
                "euplatesc_merchant_id": cls.fake.merchant_id,
                "euplatesc_secret_key": cls.fake.key,
                "euplatesc_user_key": cls.fake.user_key,
                "euplatesc_user_api_key": cls.fake.user_api_key,
                "euplatesc_payment_url": cls.fake.payment_url,
                "euplatesc_api_url": cls.fake.api_url,
            }
        )

    def _form_fields(self, redirect_form_html):
        import lxml.html

        form = lxml.html.fromstring(redirect_form_html)
        return form.get("action"), {
            field.get("name"): field.get("value") or "" for field in form.iter("input")
        }

    def _pay_order(self):
        """Checkout, then the customer's browser posts the signed order to EuPlatesc."""
        order = self._create_order()
        tx, processing_values = self._checkout(order)
        action, fields = self._form_fields(processing_values["redirect_form_html"])
        page = requests.post(action, data=fields, timeout=10)
        self.assertEqual(page.status_code, 200, page.text)  # the fake checked fp_hash
        return order, tx, self.fake.ep_id_for(fields["invoice_id"]), fields

    def test_checkout_paid_by_notification(self):
        """The signed form, the server notification and the back-ref pay the order."""
        order, tx, ep_id, fields = self._pay_order()
        self.assertEqual(fields["amount"], "150.00")
        self.assertEqual(fields["curr"], "RON")
        self.assertEqual(fields["merch_id"], self.fake.merchant_id)
        self.assertEqual(
            fields["ExtraData[silenturl]"],
            self.base_url() + "/payment/euplatesc/webhook",
        )
        answer = self.fake.notify(self.fake.answer(ep_id, sec_status="8"))
        self.assertEqual(answer.status_code, 200, answer.text)
        self._refresh()
        self.assertEqual(tx.state, "done")
        self.assertEqual(tx.provider_reference, ep_id)

        back_ref = self.fake.answer(ep_id)
        response = self.url_open(
            self.fake.back_ref_url(back_ref), data=back_ref, allow_redirects=False
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/payment/status"))
        self.assertEqual(self._poll_status()["state"], "done")
        self._refresh()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.fulfilment_status_id, self.paid_status)
        self.assertTrue(order.fulfilment_paid_date)

    def test_bad_signature_refused(self):
        """A notification whose fp_hash does not match changes nothing (HTTP 400)."""
        order, tx, ep_id, _fields = self._pay_order()
        forged = self.fake.answer(ep_id, sec_status="8")
        forged["amount"] = "1.00"  # changed after signing
        for values in (
            forged,
            {**self.fake.answer(ep_id, sec_status="8"), "fp_hash": ""},
        ):
            self.assertEqual(self.fake.notify(values).status_code, 400)
        self._refresh()
        self.assertEqual(tx.state, "draft")
        self.assertEqual(order.state, "draft")

    def test_replayed_notification_processed_once(self):
        """The same signed notification twice: acknowledged, processed once."""
        _order, tx, ep_id, _fields = self._pay_order()
        values = self.fake.answer(ep_id, sec_status="8")
        self.assertEqual(self.fake.notify(values).status_code, 200)
        self._refresh()
        last_change = tx.last_state_change
        self.assertEqual(self.fake.notify(values).status_code, 200)
        self._refresh()
        self.assertEqual(tx.state, "done")
        self.assertEqual(tx.last_state_change, last_change)
        self.assertEqual(
            self.env["fulfilment.payment.notification"].search_count(
                [("reference", "=", tx.reference)]
            ),
            1,
        )

    def test_amount_mismatch_and_stale_answers_refused(self):
        """Signed answers for another amount, or older than 90 days, pay nothing."""
        _order, tx, ep_id, _fields = self._pay_order()
        cheaper = self.fake.answer(ep_id, sec_status="8", amount="1.00")
        stale = self.fake.answer(ep_id, sec_status="8", timestamp="20200101000000")
        for values in (cheaper, stale):
            self.assertEqual(self.fake.notify(values).status_code, 400)
        self._refresh()
        self.assertEqual(tx.state, "draft")

    def test_failed_and_pending(self):
        """action != 0: transaction in error; unsettled sec_status: still pending."""
        _order, failed_tx, failed_ep, _fields = self._pay_order()
        _order, pending_tx, pending_ep, _fields = self._pay_order()
        self.fake.notify(
            self.fake.answer(failed_ep, action="1", message="Card declined")
        )
        self.fake.notify(self.fake.answer(pending_ep, sec_status="1"))
        self._refresh()
        self.assertEqual(failed_tx.state, "error")
        self.assertIn("Card declined", failed_tx.state_message)
        self.assertEqual(pending_tx.state, "pending")

    def test_refund_from_odoo(self):
        """A refund sends EuPlatesc's signed refund request (ep_id, amount)."""
        _order, tx, ep_id, _fields = self._pay_order()
        self.fake.notify(self.fake.answer(ep_id, sec_status="8"))
        self._refresh()
        refunds_before = len(self.fake.refunds)
        tx.action_refund(amount_to_refund=40.0)
        self.assertEqual(len(self.fake.refunds), refunds_before + 1)
        refund = self.fake.refunds[-1]
        self.assertEqual(
            (refund["method"], refund["epid"], refund["amount"], refund["ukey"]),
            ("refund", ep_id, "40.00", self.fake.user_key),
        )
        self.assertEqual(
            refund["fp_hash"],
            euplatesc.sign(
                refund, euplatesc.REFUND_SIGNED_FIELDS, self.fake.user_api_key
            ),
        )
        self.assertEqual(tx.child_transaction_ids.state, "done")
        self.assertEqual(tx.child_transaction_ids.amount, -40.0)
        # Refused by EuPlatesc (more than what is left): nothing recorded.
        with self.assertRaisesRegex(ValidationError, "305"), self.env.cr.savepoint():
            tx.action_refund(amount_to_refund=200.0)
        self.assertEqual(len(tx.child_transaction_ids), 1)

    def test_refund_without_user_keys_explains_the_manual_way(self):
        """Without user keys a refund is refused, explaining the manual way."""
        _order, tx, ep_id, _fields = self._pay_order()
        self.fake.notify(self.fake.answer(ep_id, sec_status="8"))
        self._refresh()
        self.provider.euplatesc_user_key = False
        refunds_before = len(self.fake.refunds)
        with self.assertRaisesRegex(UserError, "EuPlatesc's panel"):
            tx.action_refund(amount_to_refund=10.0)
        self.assertFalse(tx.child_transaction_ids)
        self.assertEqual(len(self.fake.refunds), refunds_before)

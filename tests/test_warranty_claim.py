from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .warranty_common import FulfilmentWarrantyNotifyCommon


@tagged("post_install", "-at_install")
class TestWarrantyClaim(FulfilmentWarrantyNotifyCommon):
    def _expire(self, warranty):
        warranty.write(
            {
                "date_start": fields.Date.today() - timedelta(days=800),
                "date_end": fields.Date.today() - timedelta(days=70),
            }
        )
        self.env["fulfilment.warranty"]._cron_expire()
        self.assertEqual(warranty.state, "expired")

    def test_claim_on_valid_certificate(self):
        """An operator records a claim on a valid certificate: numbered,
        received, the customer follows it."""
        claim = (
            self.env["fulfilment.warranty.claim"]
            .with_user(self.operator)
            .create({"warranty_id": self.warranty.id, "description": "No sound."})
        )
        self.assertEqual(claim.state, "received")
        self.assertTrue(claim.name.startswith("WCL/"))
        self.assertEqual(claim.partner_id, self.customer)
        self.assertEqual(claim.product_id, self.product)
        self.assertIn(self.customer, claim.message_partner_ids)
        self.assertEqual(self.warranty.claim_count, 1)

    def test_expired_certificate_refused_without_override(self):
        """A claim on an expired certificate is refused with a clear message,
        and nothing is created."""
        self._expire(self.warranty)
        Claim = self.env["fulfilment.warranty.claim"].with_user(self.operator)
        with self.assertRaises(ValidationError) as caught:
            Claim.create({"warranty_id": self.warranty.id, "description": "Broken"})
        self.assertIn("expired", str(caught.exception))
        self.assertFalse(
            self.env["fulfilment.warranty.claim"].search(
                [("warranty_id", "=", self.warranty.id)]
            )
        )
        # An operator cannot accept it outside warranty either.
        with self.assertRaises(UserError):
            Claim.create(
                {
                    "warranty_id": self.warranty.id,
                    "description": "Broken",
                    "warranty_override": True,
                    "override_reason": "Goodwill",
                }
            )

    def test_void_certificate_refused(self):
        """A void certificate (unit returned) is refused."""
        self.warranty.with_user(self.manager).action_void()
        with self.assertRaises(ValidationError) as caught:
            self._create_claim()
        self.assertIn("void", str(caught.exception))

    def test_manager_override_accepts_expired(self):
        """A manager accepts an expired certificate with a reason (required);
        who accepted it is recorded."""
        self._expire(self.warranty)
        Claim = self.env["fulfilment.warranty.claim"].with_user(self.manager)
        with self.assertRaises(ValidationError) as caught:
            Claim.create(
                {
                    "warranty_id": self.warranty.id,
                    "description": "Broken",
                    "warranty_override": True,
                }
            )
        self.assertIn("reason", str(caught.exception))
        claim = Claim.create(
            {
                "warranty_id": self.warranty.id,
                "description": "Broken",
                "warranty_override": True,
                "override_reason": "Loyal customer, two months late.",
            }
        )
        self.assertEqual(claim.state, "received")
        self.assertEqual(claim.override_user_id, self.manager)
        self.assertIn("expired", claim.warranty_warning)

    def test_transitions_enforced(self):
        """Buttons follow the workflow; a forbidden move is refused by name,
        a rejection needs its reason."""
        claim = self._create_claim()
        with self.assertRaises(UserError) as caught:
            claim.action_repaired()
        self.assertIn("cannot go from", str(caught.exception))
        with self.assertRaises(UserError) as caught:
            claim.action_reject()
        self.assertIn("reason", str(caught.exception))
        claim.action_diagnose()
        claim.action_wait_parts()
        claim.action_repair()
        claim.action_repaired()
        self.assertTrue(claim.date_closed)
        claim.action_return_to_customer()
        self.assertEqual(claim.state, "returned")
        with self.assertRaises(UserError):
            claim.action_diagnose()

    def test_state_change_notifies_by_mail_and_sms(self):
        """Creating the claim and each state change e-mail the customer and
        send an SMS through the gateway, naming the new state."""
        # The order's own status messages (e.g. shipped) are not the claim's.
        self._send_queued_sms()
        self.gateway.received.clear()
        claim = self._create_claim()
        self._send_queued_sms()
        mails = self._claim_mails(claim)
        self.assertEqual(len(mails), 1)
        self.assertIn("Received", mails.subject)
        self.assertEqual(len(self.gateway.received), 1)
        self.assertIn(claim.name, self.gateway.received[0]["text"])
        self.assertIn("Received", self.gateway.received[0]["text"])
        self.assertEqual(
            self.gateway.received[0]["to"].replace(" ", ""), "+40721000111"
        )

        claim.action_diagnose()
        self._send_queued_sms()
        mails = self._claim_mails(claim)
        self.assertEqual(len(mails), 2)
        self.assertIn("Diagnosing", mails[-1].subject)
        self.assertIn(claim.name, mails[-1].body_html)
        self.assertEqual(len(self.gateway.received), 2)
        self.assertIn("Diagnosing", self.gateway.received[-1]["text"])

        claim.action_repair()
        self._send_queued_sms()
        self.assertEqual(len(self._claim_mails(claim)), 3)
        self.assertIn("In Repair", self.gateway.received[-1]["text"])

    def test_reminders_once_per_interval(self):
        """The reminder job reminds an open claim once per interval: a second
        run within the interval sends nothing, the next interval sends again;
        closed claims are never reminded."""
        self.env.company.fulfilment_warranty_reminder_days = 7
        Claim = self.env["fulfilment.warranty.claim"]
        start = datetime(2026, 3, 2, 9, 0, 0)
        # The certificate covers the claim dates.
        self.warranty.write(
            {"date_start": "2026-01-01", "date_end": "2027-12-31", "state": "active"}
        )
        with freeze_time(start):
            claim = self._create_claim(date_received=start)
            closed = self._create_claim(date_received=start)
            closed.rejection_reason = "Not covered."
            closed.action_reject()
        self._send_queued_sms()
        self.gateway.received.clear()

        def reminders():
            return self.env["mail.mail"].search_count(
                [
                    ("model", "=", "fulfilment.warranty.claim"),
                    ("res_id", "in", (claim | closed).ids),
                    ("subject", "ilike", "is still"),
                ]
            )

        with freeze_time(start + timedelta(days=3)):
            self.assertEqual(Claim._cron_send_reminders(), 0)
        with freeze_time(start + timedelta(days=7)):
            self.assertEqual(Claim._cron_send_reminders(), 1)
            self.assertEqual(Claim._cron_send_reminders(), 0)
        self.assertEqual(claim.last_reminder_date, (start + timedelta(days=7)).date())
        self.assertEqual(reminders(), 1)
        self._send_queued_sms()
        self.assertEqual(len(self.gateway.received), 1)
        self.assertIn("still", self.gateway.received[0]["text"])

        with freeze_time(start + timedelta(days=12)):
            self.assertEqual(Claim._cron_send_reminders(), 0)
        with freeze_time(start + timedelta(days=14)):
            self.assertEqual(Claim._cron_send_reminders(), 1)
            self.assertEqual(Claim._cron_send_reminders(), 0)
        self.assertEqual(reminders(), 2)

        self.env.company.fulfilment_warranty_reminder_days = 0
        with freeze_time(start + timedelta(days=40)):
            self.assertEqual(Claim._cron_send_reminders(), 0)

    def test_reminder_run_handles_one_batch_and_reports_the_rest(self):
        """A scheduler run reminds one batch of claims only and reports to the
        scheduler how many it handled and how many remain; the next run
        reminds the rest."""
        self.env.company.fulfilment_warranty_reminder_days = 7
        start = datetime(2026, 3, 2, 9, 0, 0)
        self.warranty.write(
            {"date_start": "2026-01-01", "date_end": "2027-12-31", "state": "active"}
        )
        with freeze_time(start):
            claims = self._create_claim(date_received=start)
            claims |= self._create_claim(date_received=start)
            claims |= self._create_claim(date_received=start)
        cron = self.env.ref(
            "order_fulfilment.ir_cron_fulfilment_warranty_claim_reminders"
        )
        with freeze_time(start + timedelta(days=7)):
            first_run, progress = cron._add_progress()
            first_run.env["fulfilment.warranty.claim"]._cron_send_reminders(
                batch_size=2
            )
            self.assertEqual(len(claims.filtered("last_reminder_date")), 2)
            self.assertEqual((progress.done, progress.remaining), (2, 1))
            second_run, progress = cron._add_progress()
            second_run.env["fulfilment.warranty.claim"]._cron_send_reminders(
                batch_size=2
            )
            self.assertTrue(all(claims.mapped("last_reminder_date")))
            self.assertEqual((progress.done, progress.remaining), (1, 0))

    def test_replaced_unit_gets_its_own_certificate(self):
        """Marking a claim Replaced voids the claimed unit's certificate and
        issues one for the replacement unit, for the same period from today."""
        claim = self._create_claim()
        claim.action_diagnose()
        claim.action_replaced()
        self.assertEqual(claim.state, "replaced")
        replacement = claim.replacement_warranty_id
        self.assertTrue(replacement)
        self.assertEqual(self.warranty.state, "void")
        self.assertIn(claim.name, self.warranty.void_reason)
        self.assertEqual(replacement.state, "active")
        self.assertEqual(replacement.replaced_warranty_id, self.warranty)
        self.assertEqual(replacement.partner_id, self.customer)
        self.assertEqual(replacement.order_id, self.order)
        self.assertEqual(replacement.product_id, self.product)
        self.assertEqual(replacement.months, 24)
        today = fields.Date.today()
        self.assertEqual(replacement.date_start, today)
        self.assertEqual(
            replacement.date_end,
            replacement._compute_date_end(today, 24),
        )
        self.assertNotEqual(
            replacement.sudo().verification_token,
            self.warranty.sudo().verification_token,
        )
        self.assertTrue(replacement._is_valid())

    def test_replaced_serial_unit_needs_the_new_serial(self):
        """For a serial-tracked product the replacement's serial number is asked
        first; the new certificate carries it."""
        order = self._create_delivered_order([(self.phone, 1, 900.0)])
        warranty = order.fulfilment_warranty_ids
        claim = self.env["fulfilment.warranty.claim"].create(
            {"warranty_id": warranty.id, "description": "Screen flickers."}
        )
        claim.action_diagnose()
        with self.assertRaisesRegex(UserError, "serial number of the unit"):
            claim.action_replaced()
        self.assertEqual(claim.state, "diagnosing")
        self.assertEqual(warranty.state, "active")
        new_serial = self.serials.filtered(lambda lot: lot != warranty.lot_id)[-1]
        claim.replacement_lot_id = new_serial
        claim.action_replaced()
        self.assertEqual(claim.replacement_warranty_id.lot_id, new_serial)
        self.assertEqual(warranty.state, "void")

"""Orders awaiting money: an accountant, a bank journal, bank transfers."""

from odoo import Command
from odoo.tests import Form, new_test_user

from .common import FulfilmentCommon


class PaymentQueueCommon(FulfilmentCommon):
    """A bank journal, an accountant operator and a bank-transfer policy."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="fulfilment_accountant",
            name="Ada Accountant",
            email="ada@example.com",
            groups="base.group_user,order_fulfilment.group_user,"
            "account.group_account_invoice",
        )
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.wire_transfer = cls.env.ref("payment_custom.payment_method_wire_transfer")
        cls.transfer_provider = cls.env.ref("payment.payment_provider_transfer")
        cls.transfer_provider.state = "enabled"
        cls._create_payment_policy(
            cls.wire_transfer,
            payment_delay=3,
            payment_delay_unit="business_days",
            is_offline=True,
        )

    def _web_transfer_quotation(self, **values):
        """A web quotation whose customer chose bank transfer at checkout: its
        transaction is pending, as Odoo's wire transfer leaves it."""
        order = self._create_order(**values)
        transaction = self.env["payment.transaction"].create(
            {
                "provider_id": self.transfer_provider.id,
                "payment_method_id": self.wire_transfer.id,
                "amount": order.amount_total,
                "currency_id": order.currency_id.id,
                "partner_id": order.partner_id.id,
                "reference": f"{order.name}-transfer",
                "sale_order_ids": [Command.set(order.ids)],
            }
        )
        transaction._set_pending()
        transaction._post_process()
        return order

    def _mark_paid(self, orders, user=None, **values):
        """Run the Mark as Paid wizard on ``orders``; return the result window."""
        action = orders.with_user(user or self.accountant).action_fulfilment_mark_paid()
        wizard_form = Form(
            self.env[action["res_model"]]
            .with_user(user or self.accountant)
            .with_context(**action["context"])
        )
        wizard_form.journal_id = self.bank_journal
        for name, value in values.items():
            setattr(wizard_form, name, value)
        result_action = wizard_form.save().action_mark_paid()
        return self.env[result_action["res_model"]].browse(result_action["res_id"])

import inspect
import json

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .warranty_common import FulfilmentWarrantyCommon

ADDON_MODULE = "odoo.addons.order_fulfilment"

# Actions that only open a window (or a report) on records: what it shows
# is read afterwards with the user's own rights, so they may run for anyone
# who can call them; they must return that action and change nothing. Every
# other action of the addon must refuse portal customers and pickers.
NAVIGATION = {
    ("account.move", "action_view_fulfilment_rma"),
    ("delivery.carrier", "action_fulfilment_view_localities"),
    ("delivery.carrier", "action_fulfilment_view_logs"),
    ("fulfilment.cod.settlement", "action_view_orders"),
    ("fulfilment.rma", "action_view_credit_notes"),
    ("fulfilment.rma", "action_view_delivery_pickings"),
    ("fulfilment.rma", "action_view_invoices"),
    ("fulfilment.rma", "action_view_order"),
    ("fulfilment.rma", "action_view_return_pickings"),
    ("fulfilment.status", "action_view_orders"),
    ("fulfilment.warranty", "action_new_claim"),
    ("fulfilment.warranty", "action_print"),
    ("fulfilment.warranty", "action_view_claims"),
    ("fulfilment.warranty.claim", "action_view_warranty"),
    ("product.product", "action_fulfilment_committed_orders"),
    ("product.template", "action_fulfilment_committed_orders"),
    ("sale.order", "action_fulfilment_view_not_completed"),
    ("sale.order", "action_view_fulfilment_rmas"),
    ("sale.order", "action_view_fulfilment_warranties"),
    ("stock.picking", "action_fulfilment_view_logs"),
    ("stock.picking", "action_view_fulfilment_rma"),
    ("stock.picking.batch", "action_fulfilment_print_pick_list"),
}
# Wizards a picker may open (Odoo lets internal users create them), and why
# that is harmless.
PICKER_WIZARDS = {
    # Shows the result of a batch action; its buttons call a public method
    # of the records as the user, as a call from the browser would.
    "fulfilment.batch.result",
    # Its only action approves the loss, which checks for a manager first
    # (see test_loss_approval_refuses_pickers).
    "fulfilment.loss.approval",
}


def addon_actions(env):
    """{model name: sorted action_* method names} defined or overridden by
    this addon, found on the classes of the registry (new actions included)."""
    actions = {}
    for model_name in env.registry:
        model = env[model_name]
        if model._abstract:
            continue
        for klass in type(model).__mro__:
            if not klass.__module__.startswith(ADDON_MODULE):
                continue
            for name, member in vars(klass).items():
                if name.startswith("action_") and inspect.isfunction(member):
                    actions.setdefault(model_name, set()).add(name)
    return {model: sorted(names) for model, names in actions.items()}


@tagged("post_install", "-at_install")
class TestActionAccess(FulfilmentWarrantyCommon):
    """Every public ``action_*`` of the addon refuses portal customers and
    pickers, even on records they may read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_portal_users()
        cls.picker = new_test_user(
            cls.env,
            login="fulfilment_picker",
            name="Petru Picker",
            groups="order_fulfilment.group_picker",
        )
        cls.carrier = cls._create_fan_carrier()
        cls.order = cls._create_delivered_order([(cls.product, 2, 100.0)])
        cls.order.picking_ids.carrier_id = cls.carrier
        cls.invoice = cls.order._create_invoices()
        cls.invoice.action_post()
        cls.warranty = cls.order.fulfilment_warranty_ids[:1]
        cls.env["fulfilment.warranty.claim"].create(
            {"warranty_id": cls.warranty.id, "description": "Does not charge."}
        )
        cls.rma = cls.env["fulfilment.rma"].create(
            {
                "order_id": cls.order.id,
                "requested_resolution": "refund",
                "line_ids": [
                    Command.create(
                        {"sale_line_id": cls.order.order_line.id, "quantity": 1}
                    )
                ],
            }
        )
        cls.rma.action_request()
        # A delivery ready to pick, in a batch, for the picker.
        ready = cls._create_order(quantity=1)
        ready.action_confirm()
        ready.picking_ids.action_assign()
        cls.env["stock.picking.batch"].create(
            {"picking_ids": [Command.set(ready.picking_ids.ids)]}
        )
        cls.carrier.fulfilment_collects_cash = True
        cls.env["fulfilment.cod.settlement"].create({"carrier_id": cls.carrier.id})
        cls.env["fulfilment.print.job"].create(
            {
                "name": "Labels",
                "report_id": cls.env.ref("stock.action_report_delivery").id,
                "res_ids": json.dumps(ready.picking_ids.ids),
            }
        )

    def _record_for(self, model, user):
        """A record ``user`` may read when there is one, else any record."""
        Model = self.env[model].with_user(user)
        if Model.has_access("read"):
            readable = Model.search([], limit=1)
            if readable:
                return readable
        return self.env[model].with_context(active_test=False).search([], limit=1)

    def _call(self, record, method):
        """Call ``method`` on ``record``: None when refused, else what
        happened instead (its result or another error)."""
        try:
            with self.env.cr.savepoint():
                result = getattr(record, method)()
        except AccessError:
            return None
        except Exception as exc:  # noqa: BLE001 - any other outcome is reported
            return f"{type(exc).__name__}: {exc}"
        return f"ran, returned {str(result)[:80]}"

    def test_actions_refuse_portal_and_pickers(self):
        """Each action of each stored model of the addon (enumerated from the
        registry) raises AccessError for a portal customer and for a picker."""
        actions = addon_actions(self.env)
        self.assertIn(
            "action_fulfilment_generate_webhook_secret", actions["delivery.carrier"]
        )
        self.assertIn("action_apply_to_touches", actions["fulfilment.referrer.rule"])
        self.assertIn("action_regenerate_token", actions["fulfilment.warranty"])
        not_refused = []
        missing = []
        for model, methods in sorted(actions.items()):
            if self.env[model]._transient:
                continue
            for user in (self.portal_user, self.picker):
                record = self._record_for(model, user)
                if not record:
                    missing.append(model)
                    continue
                for method in methods:
                    outcome = self._call(record.with_user(user), method)
                    if outcome is None:
                        continue
                    if (model, method) in NAVIGATION and outcome.startswith(
                        "ran, returned {"
                    ):
                        continue
                    not_refused.append(f"{model}.{method} as {user.login}: {outcome}")
        self.assertFalse(missing, "create a record of these models in setUpClass")
        self.assertFalse(not_refused, "\n".join(not_refused))

    def test_wizards_refuse_portal_and_pickers(self):
        """Portal customers and pickers cannot open the addon's wizards (their
        actions run on what the wizard is created with)."""
        opened = []
        for model in sorted(addon_actions(self.env)):
            if not self.env[model]._transient:
                continue
            for user in (self.portal_user, self.picker):
                if user == self.picker and model in PICKER_WIZARDS:
                    continue
                if self.env[model].with_user(user).has_access("create"):
                    opened.append(f"{model} as {user.login}")
        self.assertFalse(opened, "\n".join(opened))

    def test_loss_approval_refuses_pickers(self):
        """A picker who opens the loss approval himself cannot approve."""
        wizard = (
            self.env["fulfilment.loss.approval"]
            .with_user(self.picker)
            .create({"reason": "because"})
        )
        with self.assertRaises(AccessError):
            wizard.action_approve()

    def test_sudo_actions_change_nothing_when_refused(self):
        """The actions the issue names change nothing for a portal customer."""
        secret = "kept-secret"
        self.carrier.fulfilment_webhook_secret = secret
        token = self.warranty.verification_token
        for record, method in (
            (self.carrier, "action_fulfilment_generate_webhook_secret"),
            (self.warranty, "action_regenerate_token"),
            (
                self.env["fulfilment.referrer.rule"].search([], limit=1),
                "action_apply_to_touches",
            ),
        ):
            with self.assertRaises(AccessError, msg=method):
                getattr(record.with_user(self.portal_user), method)()
        self.assertEqual(self.carrier.fulfilment_webhook_secret, secret)
        self.assertEqual(self.warranty.verification_token, token)

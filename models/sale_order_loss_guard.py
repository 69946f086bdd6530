"""Loss guard: orders completed at a loss wait for a manager's approval."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import (
    format_amount,
)

from ..exceptions import FulfilmentLossError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    loss_blocked = fields.Boolean(
        copy=False,
        readonly=True,
        index=True,
        tracking=True,
        help="A delivery, invoice or closing was refused because the order makes a "
        "loss; a manager must approve it.",
    )
    loss_approved_by_id = fields.Many2one(
        "res.users", string="Approved By", copy=False, readonly=True
    )
    loss_approved_date = fields.Datetime(
        string="Loss Approved On", copy=False, readonly=True
    )
    loss_approval_reason = fields.Text(copy=False, readonly=True)

    # Loss guard ---------------------------------------------------

    def _fulfilment_loss_guard_get_blocked(self, guard):
        """Orders that ``guard`` (delivery, invoice or closed) must stop.

        A confirmed order is stopped when its company guards that event, its net
        profit is below the company's threshold and no manager approved it.
        """
        blocked = self.browse()
        for order in self:
            company = order.company_id
            if (
                order.state == "sale"
                and not order.loss_approved_date
                and company.fulfilment_loss_guard
                and company[f"fulfilment_loss_guard_{guard}"]
                and company.currency_id.compare_amounts(
                    order.profit_net, company.fulfilment_loss_threshold
                )
                < 0
            ):
                blocked |= order
        return blocked

    def _fulfilment_loss_guard_message(self):
        return "\n".join(
            _(
                "Order %(order)s would be completed with a net profit of %(profit)s, "
                "below the minimum of %(threshold)s. A fulfilment manager must "
                "approve the loss first (button “Approve Loss” on the order).",
                order=order.name,
                profit=format_amount(
                    self.env, order.profit_net, order.company_id.currency_id
                ),
                threshold=format_amount(
                    self.env,
                    order.company_id.fulfilment_loss_threshold,
                    order.company_id.currency_id,
                ),
            )
            for order in self
        )

    def _fulfilment_loss_block(self, action_label):
        """Mark the orders as blocked and tell the managers, once per block."""
        new = self.filtered(lambda order: not order.loss_blocked)
        if not new:
            return
        new.sudo().write({"loss_blocked": True})
        managers = self.env.ref("order_fulfilment.group_manager").sudo().users
        for order in new.sudo():
            order_managers = managers.filtered(
                lambda user, order=order: (
                    order.company_id in user.company_ids
                    and user.active
                    and not user.share
                )
            )
            summary = _("Approve loss: %(action)s", action=action_label)
            for manager in order_managers:
                order.activity_schedule(
                    "order_fulfilment.mail_activity_type_loss_review",
                    summary=summary,
                    note=order._fulfilment_loss_guard_message(),
                    user_id=manager.id,
                )
            order.message_post(
                body=_(
                    "%(action)s refused: %(message)s",
                    action=action_label,
                    message=order._fulfilment_loss_guard_message(),
                ),
                partner_ids=order_managers.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )

    def _fulfilment_loss_guard_check(self, guard, action_label):
        """Block the orders that ``guard`` stops, release those fixed meanwhile.

        :return: the blocked orders
        """
        blocked = self._fulfilment_loss_guard_get_blocked(guard)
        blocked._fulfilment_loss_block(action_label)
        (self - blocked)._fulfilment_loss_guard_release()
        return blocked

    def _fulfilment_loss_guard_refuse(self, guard, action_label=None):
        """Raise a :class:`FulfilmentLossError` when ``guard`` stops one of the
        orders; orders fixed since an earlier block are released.

        This is what code paths get (posting, validating, closing): a refusal,
        never a wizard in place of the work they asked for. The error rolls the
        transaction back; the block and the managers' activity are recorded
        right after, in a fresh transaction. The buttons of the back office
        catch the error and open the approval dialog instead
        (:meth:`_fulfilment_loss_guard_action`).

        :param action_label: what was refused, for the managers' activity
        """
        label = action_label or _("Closing the order")
        blocked = self._fulfilment_loss_guard_get_blocked(guard)
        (self - blocked)._fulfilment_loss_guard_release()
        if not blocked:
            return
        order_ids, uid, context = blocked.ids, self.env.uid, dict(self.env.context)
        registry = self.env.registry

        def record_block():
            with registry.cursor() as cr:
                env = api.Environment(cr, uid, context)
                env["sale.order"].browse(order_ids).exists()._fulfilment_loss_block(
                    label
                )

        self.env.cr.postrollback.add(record_block)
        raise FulfilmentLossError(blocked, label)

    def _fulfilment_loss_guard_release(self):
        """Unblock the orders no longer below the threshold."""
        fixed = self.filtered(
            lambda order: (
                order.loss_blocked
                and order.company_id.currency_id.compare_amounts(
                    order.profit_net, order.company_id.fulfilment_loss_threshold
                )
                >= 0
            )
        )
        if fixed:
            fixed.sudo().write({"loss_blocked": False})
            fixed.activity_feedback(
                ["order_fulfilment.mail_activity_type_loss_review"],
                feedback=_("The order no longer makes a loss."),
            )

    def _fulfilment_loss_notify_paid(self, action_label):
        """Tell the managers that a paid order went through at a loss.

        The customer has paid (online): the invoice is posted whatever the
        guard says, and the managers review the loss afterwards.
        """
        managers = self.env.ref("order_fulfilment.group_manager").sudo().users
        for order in self.sudo():
            currency = order.company_id.currency_id
            order.message_post(
                body=_(
                    "%(action)s went through although order %(order)s makes a loss "
                    "(net profit %(profit)s, below the minimum of %(threshold)s): "
                    "the customer has already paid.",
                    action=action_label,
                    order=order.name,
                    profit=format_amount(self.env, order.profit_net, currency),
                    threshold=format_amount(
                        self.env, order.company_id.fulfilment_loss_threshold, currency
                    ),
                ),
                partner_ids=managers.filtered(
                    lambda user, order=order: (
                        order.company_id in user.company_ids
                        and user.active
                        and not user.share
                    )
                ).partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )

    def _fulfilment_event_refusals(self, event, status):
        # An automatic event may not close an order at a loss: the order is
        # blocked and the managers are told.
        refusals = super()._fulfilment_event_refusals(event, status)
        if status.is_closed:
            candidates = self.filtered(lambda order: order not in refusals)
            label = self.env["fulfilment.status"]._get_event_label(event)
            for order in candidates._fulfilment_loss_guard_check("closed", label):
                refusals[order] = order._fulfilment_loss_guard_message()
        return refusals

    def _fulfilment_check_status_change(self, status):
        result = super()._fulfilment_check_status_change(status)
        if status.is_closed:
            self._fulfilment_loss_guard_refuse("closed")
        return result

    def _fulfilment_loss_guard_action(self, pickings=None, invoices=None):
        """The approval dialog a back-office button opens instead of a refused
        validation or posting (or to approve a loss beforehand)."""
        wizard = self.env["fulfilment.loss.approval"].create(
            {
                "order_ids": [fields.Command.set(self.ids)],
                "picking_ids": [fields.Command.set(pickings.ids if pickings else [])],
                "invoice_ids": [fields.Command.set(invoices.ids if invoices else [])],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Order at a Loss"),
            "res_model": "fulfilment.loss.approval",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_fulfilment_approve_loss(self):
        return self._fulfilment_loss_guard_action()

    def _fulfilment_approve_loss(self, reason):
        """Record a manager's approval of the loss; the guard then lets it pass."""
        if not self.env.user.has_group("order_fulfilment.group_manager"):
            raise AccessError(_("Only fulfilment managers can approve a loss."))
        if not (reason or "").strip():
            raise UserError(_("Say why the loss is approved."))
        self.sudo().write(
            {
                "loss_blocked": False,
                "loss_approved_by_id": self.env.uid,
                "loss_approved_date": fields.Datetime.now(),
                "loss_approval_reason": reason.strip(),
            }
        )
        self.activity_feedback(
            ["order_fulfilment.mail_activity_type_loss_review"],
            feedback=_("Loss approved: %(reason)s", reason=reason.strip()),
        )
        for order in self:
            order.message_post(
                body=_(
                    "Loss approved by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=reason.strip(),
                ),
                subtype_xmlid="mail.mt_note",
            )

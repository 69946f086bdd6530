"""Completing many orders in the background: above a few orders, *Complete
Orders* queues them for a scheduled job that completes them in batches, each
order on its own, and tells the user how it went."""

from odoo import _, api, fields, models

COMPLETION_SYNC_LIMIT = 20  # more orders than this are completed in the background
COMPLETION_BATCH = 20  # orders per run of the background job


class SaleOrder(models.Model):
    _inherit = "sale.order"

    fulfilment_completion_queued = fields.Boolean(
        string="Queued for Completion",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Complete Orders queued the order; a scheduled job completes it in "
        "the background.",
    )
    fulfilment_completion_queued_by_id = fields.Many2one(
        "res.users", string="Completion Queued By", copy=False, readonly=True
    )
    fulfilment_completion_queued_warning = fields.Char(
        compute="_compute_fulfilment_completion_queued_warning",
        string="Completion Scheduler Warning",
    )

    @api.depends("fulfilment_completion_queued")
    def _compute_fulfilment_completion_queued_warning(self):
        queued = self.filtered("fulfilment_completion_queued")
        problem = queued and self.env["ir.cron"]._fulfilment_scheduler_problem()
        for order in self:
            order.fulfilment_completion_queued_warning = (
                problem if order in queued else False
            )

    def action_fulfilment_complete(self):
        """More than ``COMPLETION_SYNC_LIMIT`` orders are queued for the
        background job instead of being completed in the request."""
        if len(self) <= COMPLETION_SYNC_LIMIT:
            return super().action_fulfilment_complete()
        self._fulfilment_check_completion_access()
        return self._fulfilment_queue_completion()

    def _fulfilment_queue_completion(self):
        """Queue the orders for the background completion and say so: how
        many, where to follow them, or why they may stay queued."""
        self.write(
            {
                "fulfilment_completion_queued": True,
                "fulfilment_completion_queued_by_id": self.env.uid,
            }
        )
        self.env.ref("order_fulfilment.ir_cron_fulfilment_complete_queued")._trigger()
        problem = self.env["ir.cron"]._fulfilment_scheduler_problem()
        if problem:
            message = _(
                "%(count)s orders are queued for completion, but they may stay "
                "queued: %(problem)s Ask your administrator to start Odoo with "
                "cron threads, or complete them %(limit)s at a time. Queued "
                "orders show “Queued for completion” (filter “Queued for "
                "Completion” in the orders list).",
                count=len(self),
                problem=problem,
                limit=COMPLETION_SYNC_LIMIT,
            )
        else:
            message = _(
                "%(count)s orders are being completed in the background, "
                "%(batch)s at a time; you will be notified as they go. Until "
                "then they show “Queued for completion” (filter “Queued for "
                "Completion” in the orders list); refused orders keep the reason "
                "in their chatter.",
                count=len(self),
                batch=COMPLETION_BATCH,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if problem else "info",
                "message": message,
                "sticky": bool(problem),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_fulfilment_complete_queued(self, limit=COMPLETION_BATCH):
        """Complete the orders queued by *Complete Orders*, ``limit`` per run.

        Each user's orders are completed as that user (their rights, their
        name in the chatter and on the e-mails), each order on its own: a
        refused order changes nothing and keeps the reason in its chatter.
        Each run reports its progress to the scheduler, which runs it again
        at once while orders remain queued, and tells the users how it went.
        """
        queued = [("fulfilment_completion_queued", "=", True)]
        batch = self.search(queued, limit=limit, order="id")
        for user, orders in batch.grouped("fulfilment_completion_queued_by_id").items():
            if user:
                orders = orders.with_user(user).with_context(lang=user.lang)
            results = orders._fulfilment_complete_many()
            orders.sudo().write(
                {
                    "fulfilment_completion_queued": False,
                    "fulfilment_completion_queued_by_id": False,
                }
            )
            for order, completed, message in results:
                if not completed:
                    order.sudo()._message_log(
                        body=_(
                            "The background completion refused the order: %s",
                            message,
                        )
                    )
            if user:
                self._fulfilment_notify_completion(user, results)
        self.env["ir.cron"]._notify_progress(
            done=len(batch), remaining=self.search_count(queued)
        )

    @api.model
    def _fulfilment_notify_completion(self, user, results):
        """Tell ``user`` how the completion of their queued orders went."""
        refused = [
            f"{order.name}: {message}"
            for order, completed, message in results
            if not completed
        ]
        remaining = self.search_count(
            [
                ("fulfilment_completion_queued", "=", True),
                ("fulfilment_completion_queued_by_id", "=", user.id),
            ]
        )
        self.env["ir.cron"]._fulfilment_notify_run(
            user,
            _("Order completion: %s still queued", remaining)
            if remaining
            else _("Order completion done"),
            _(
                "%(completed)s completed, %(refused)s refused.",
                completed=len(results) - len(refused),
                refused=len(refused),
            ),
            refused,
        )

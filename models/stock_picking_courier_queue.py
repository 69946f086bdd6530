"""Deliveries queued for their couriers by a bulk action: the queued state on
the deliveries, and a clear warning when no scheduler will send them."""

from odoo import _, api, fields, models

from .delivery_carrier_shipment import SEND_QUEUED_CRONS


class StockPicking(models.Model):
    _inherit = "stock.picking"

    fulfilment_send_queued_warning = fields.Char(
        compute="_compute_fulfilment_send_queued_warning",
        string="Scheduler Warning",
    )

    @api.depends("fulfilment_send_queued")
    def _compute_fulfilment_send_queued_warning(self):
        queued = self.filtered("fulfilment_send_queued")
        problem = queued and self.env["ir.cron"]._fulfilment_scheduler_problem()
        for picking in self:
            picking.fulfilment_send_queued_warning = (
                problem if picking in queued else False
            )

    def _fulfilment_queue_for_courier(self):
        """Queue the deliveries for the background sending and say so: how
        many, that the user is notified as they go, or why they may stay queued.
        """
        self.write(
            {"fulfilment_send_queued": True, "fulfilment_queued_by_id": self.env.uid}
        )
        for cron in SEND_QUEUED_CRONS:
            self.env.ref(cron)._trigger()
        problem = self.env["ir.cron"]._fulfilment_scheduler_problem()
        if problem:
            return self._fulfilment_notify(
                _(
                    "%(count)s deliveries are queued for their couriers, but they "
                    "may stay queued: %(problem)s Ask your administrator to start "
                    "Odoo with cron threads, or send them 20 at a time.",
                    count=len(self),
                    problem=problem,
                ),
                kind="warning",
                sticky=True,
            )
        return self._fulfilment_notify(
            _(
                "%s deliveries are being sent to their couriers in the background; "
                "you will be notified as they go. Until then they show “Queued for "
                "the courier”.",
                len(self),
            )
        )

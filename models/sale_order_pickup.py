"""Click & collect on the order: the pickup waiting for the customer, and
completion only once it was handed over."""

from odoo import _, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _fulfilment_pickup_picking(self):
        """The delivery waiting in store for the customer (the latest made
        ready)."""
        self.ensure_one()
        return (
            self.picking_ids.sudo()
            .filtered(lambda p: p.fulfilment_pickup_code and p.state != "cancel")
            .sorted("fulfilment_pickup_ready_date", reverse=True)[:1]
        )

    def _fulfilment_completion_delivery_problems(self):
        # Collected in store: the handover validates the delivery, against the
        # customer's code; completing the order must not do it instead.
        problems = super()._fulfilment_completion_delivery_problems()
        for picking in self._fulfilment_courier_pickings().filtered(
            lambda p: p.fulfilment_is_pickup and p.state != "done"
        ):
            problems.append(
                _(
                    "%s waits in store for the customer: hand it over with the "
                    "pickup code first.",
                    picking.name,
                )
            )
        return problems

from odoo import _, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class StockMove(models.Model):
    _inherit = "stock.move"

    # ------------------------------------------------------------
    # Deliveries ship what was ordered, never more
    # ------------------------------------------------------------

    def _action_done(self, cancel_backorder=False):
        # Checked here, where every validation ends (the picking screen, the
        # back office, a batch, an RPC call): a delivery that would ship more
        # than its demand (e.g. a picked quantity written by hand) is refused
        # before anything moves, whoever validates it.
        self._fulfilment_check_delivery_limit()
        return super()._action_done(cancel_backorder=cancel_backorder)

    def _fulfilment_picked_to_ship(self):
        """Quantity of the picked lines, in the move's unit: what ships."""
        self.ensure_one()
        return sum(
            line.product_uom_id._compute_quantity(line.quantity, self.product_uom)
            for line in self.move_line_ids
            if line.picked
        )

    def _fulfilment_check_delivery_limit(self):
        over = self.filtered(
            lambda move: (
                move.picking_code == "outgoing"
                and move.state not in ("done", "cancel")
                and move.picked
                and float_compare(
                    move._fulfilment_picked_to_ship(),
                    move.product_uom_qty,
                    precision_rounding=move.product_uom.rounding,
                )
                > 0
            )
        )
        if over:
            raise UserError(
                _(
                    "A delivery cannot ship more than ordered:\n%(lines)s",
                    lines="\n".join(
                        _(
                            "%(picking)s: %(product)s, %(picked)s %(uom)s picked "
                            "for %(demand)s ordered",
                            picking=move.picking_id.name or "",
                            product=move.product_id.display_name,
                            picked=move._fulfilment_picked_to_ship(),
                            uom=move.product_uom.name,
                            demand=move.product_uom_qty,
                        )
                        for move in over
                    ),
                )
            )

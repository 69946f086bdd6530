from odoo import _, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class StockMove(models.Model):
    _inherit = "stock.move"

    # ------------------------------------------------------------
    # The picking screen ships what was ordered, never more
    # ------------------------------------------------------------
    # Checked by the picking screen's validations (one delivery, a batch),
    # which run as superuser once the picker's access is checked: a picked
    # quantity above the demand (e.g. written by hand through RPC) is refused
    # before anything moves, whoever calls them. Staff validating in the back
    # office keep Odoo's own behaviour (an extra quantity is delivered and
    # then invoiced), which Odoo's flows rely on.

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

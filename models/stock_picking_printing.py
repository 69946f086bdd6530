"""Printed documents of deliveries: the pick list's walking order and the
delivery slip the company chose (A4 or 80 mm)."""

from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _fulfilment_pick_list_lines(self):
        """What to pick, in walking order: one line per source location,
        product and lot, sorted by location then product, with the reserved
        quantity (the demand for moves not reserved yet)."""
        self.ensure_one()
        totals = {}
        moves = self.move_ids.filtered(
            lambda move: move.state not in ("done", "cancel")
        )
        for move in moves:
            if move.move_line_ids:
                for move_line in move.move_line_ids:
                    key = (move_line.location_id, move.product_id, move_line.lot_id)
                    totals[key] = totals.get(key, 0.0) + move_line.quantity_product_uom
            else:
                key = (move.location_id, move.product_id, self.env["stock.lot"])
                totals[key] = totals.get(key, 0.0) + move.product_qty
        lines = [
            {
                "location": location,
                "product": product,
                "lot": lot,
                "quantity": quantity,
                "uom": product.uom_id,
            }
            for (location, product, lot), quantity in totals.items()
        ]
        return sorted(
            lines,
            key=lambda line: (
                line["location"].complete_name or "",
                line["product"].display_name or "",
                line["lot"].name or "",
            ),
        )

    def _fulfilment_delivery_slip_report(self):
        """The slip that goes with the parcel, as the company chose it: the
        80 mm packing slip or Odoo's A4 delivery slip."""
        self.ensure_one()
        return self.company_id._fulfilment_print_report("delivery_slip")

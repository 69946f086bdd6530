from odoo import _, fields, models
from odoo.tools import float_compare, float_is_zero

from .picker_access import picker_fetch_field, picker_field_check


class StockMove(models.Model):
    _inherit = "stock.move"

    fulfilment_rma_line_id = fields.Many2one(
        "fulfilment.rma.line",
        string="Returned Item",
        index="btree_not_null",
        help="Kept when the move is split, so a backorder still counts for the "
        "returned item.",
    )
    # Pickers see the moves of their deliveries, not what the goods cost.
    _fulfilment_picker_hidden_fields = ("price_unit",)

    def check_field_access_rights(self, operation, field_names):
        allowed = super().check_field_access_rights(operation, field_names)
        return picker_field_check(self, operation, field_names, allowed)

    def _fetch_field(self, field):
        return picker_fetch_field(
            self, field, lambda records, f: super()._fetch_field(f)
        )

    # ------------------------------------------------------------
    # Picking screen: one line per move; scanned = picked move lines
    # ------------------------------------------------------------

    def _fulfilment_scanner_line(self):
        """State of one line of the picking screen."""
        self.ensure_one()
        # Alone in its prefetch set: computing the name of every product of the
        # delivery for one scanned line would cost more than the scan itself.
        product = self.product_id.with_prefetch()
        lines = self.move_line_ids
        locations = lines.location_id or self.location_id
        return {
            "id": self.id,
            "product_id": product.id,
            "product": product.display_name,
            "default_code": product.default_code or "",
            "barcode": product.barcode or "",
            "tracking": self.has_tracking,
            "location": ", ".join(locations.mapped("display_name")),
            "lots": sorted(set(lines.lot_id.mapped("name"))),
            "picked_lots": sorted(set(lines.filtered("picked").lot_id.mapped("name"))),
            "uom": self.product_uom.name,
            "demand": self.product_uom_qty,
            "picked": self._fulfilment_picked_quantity(),
        }

    def _fulfilment_picked_quantity(self):
        """Quantity scanned so far, in the move's unit (Odoo counts the
        reserved quantity as picked while nothing is picked)."""
        self.ensure_one()
        return sum(
            line.product_uom_id._compute_quantity(line.quantity, self.product_uom)
            for line in self.move_line_ids
            if line.picked
        )

    def _fulfilment_check_pick(self, quantity, lot=None):
        """Why scanning ``quantity`` (in the move's unit) is refused, or None."""
        self.ensure_one()
        rounding = self.product_uom.rounding
        if (
            float_compare(
                self._fulfilment_picked_quantity() + quantity,
                self.product_uom_qty,
                precision_rounding=rounding,
            )
            > 0
        ):
            return _(
                "Too many: %(product)s needs %(demand)s %(uom)s, "
                "%(picked)s already picked.",
                product=self.product_id.display_name,
                demand=self.product_uom_qty,
                uom=self.product_uom.name,
                picked=self._fulfilment_picked_quantity(),
            )
        if (
            lot
            and self.has_tracking == "serial"
            and lot in self.move_line_ids.filtered("picked").lot_id
        ):
            return _("Serial number %(serial)s was already scanned.", serial=lot.name)
        return None

    def _fulfilment_pick(self, quantity, lot=None):
        """Mark ``quantity`` (in the move's unit) as picked.

        The quantity comes out of the move lines reserved and not yet picked
        (those of the scanned lot first), so the reservation stays as it was;
        beyond the reservation a picked line is added at the source location.
        """
        self.ensure_one()
        remaining = quantity
        unpicked = self.move_line_ids.filtered(
            lambda ml: not ml.picked and ml.quantity > 0
        )
        if lot:
            unpicked = unpicked.filtered(lambda ml: ml.lot_id == lot) | unpicked
        for line in unpicked:
            if float_is_zero(remaining, precision_rounding=self.product_uom.rounding):
                break
            line_quantity = line.product_uom_id._compute_quantity(
                line.quantity, self.product_uom
            )
            taken = min(remaining, line_quantity)
            self._fulfilment_pick_from_line(line, taken, lot or line.lot_id)
            remaining -= taken
        if not float_is_zero(remaining, precision_rounding=self.product_uom.rounding):
            self._fulfilment_add_picked_line(remaining, lot)

    def _fulfilment_pick_from_line(self, line, quantity, lot):
        rounding = self.product_uom.rounding
        same_lot = lot == line.lot_id
        location = line.location_id if same_lot else self._fulfilment_lot_location(lot)
        package = line.package_id if same_lot else line.package_id.browse()
        target = self.move_line_ids.filtered(
            lambda ml: (
                ml.picked
                and ml.lot_id == lot
                and ml.location_id == location
                and ml.package_id == package
                and ml.product_uom_id == self.product_uom
            )
        )[:1]
        line_quantity = line.product_uom_id._compute_quantity(
            line.quantity, self.product_uom
        )
        if (
            not target
            and same_lot
            and not float_compare(quantity, line_quantity, precision_rounding=rounding)
        ):
            line.picked = True
            return
        # Free the reservation first, then take it again on the picked line.
        if float_compare(quantity, line_quantity, precision_rounding=rounding) >= 0:
            line.unlink()
        else:
            line.quantity = self.product_uom._compute_quantity(
                line_quantity - quantity, line.product_uom_id
            )
        if target:
            target.quantity += quantity
            return
        self.env["stock.move.line"].create(
            {
                **self._prepare_move_line_vals(),
                "location_id": location.id,
                "lot_id": lot.id,
                "package_id": package.id,
                "quantity": quantity,
                "picked": True,
            }
        )

    def _fulfilment_add_picked_line(self, quantity, lot=None):
        location = self._fulfilment_lot_location(lot) if lot else self.location_id
        target = self.move_line_ids.filtered(
            lambda ml: (
                ml.picked
                and ml.lot_id == (lot or ml.lot_id.browse())
                and ml.location_id == location
                and ml.product_uom_id == self.product_uom
            )
        )[:1]
        if target:
            target.quantity += quantity
            return
        self.env["stock.move.line"].create(
            {
                **self._prepare_move_line_vals(),
                "location_id": location.id,
                "lot_id": lot.id if lot else False,
                "quantity": quantity,
                "picked": True,
            }
        )

    def _fulfilment_lot_location(self, lot):
        """Where the lot is stocked under the move's source location."""
        if not lot:
            return self.location_id
        quant = (
            self.env["stock.quant"]
            .sudo()
            .search(
                [
                    ("lot_id", "=", lot.id),
                    ("location_id", "child_of", self.location_id.id),
                    ("quantity", ">", 0),
                ],
                order="quantity desc",
                limit=1,
            )
        )
        return quant.location_id.sudo(False) if quant else self.location_id

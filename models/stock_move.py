from odoo import _, api, fields, models
from odoo.tools import float_compare, float_is_zero


class StockMove(models.Model):
    _name = "stock.move"
    _inherit = ["stock.move", "fulfilment.picker.hidden.mixin"]

    fulfilment_rma_line_id = fields.Many2one(
        "fulfilment.rma.line",
        string="Returned Item",
        index="btree_not_null",
        help="Kept when the move is split, so a backorder still counts for the "
        "returned item.",
    )
    # Pickers see the moves of their deliveries, not what the goods cost (the
    # money fields are found by the mixin) nor the customer.
    _fulfilment_picker_hidden_fields = ("price_unit", "partner_id")

    # Pickers change quantities through the picking screen only.
    @api.model_create_multi
    def create(self, vals_list):
        if vals_list:
            self._fulfilment_check_picker_write()
        return super().create(vals_list)

    def write(self, vals):
        # Odoo writes empty recordsets on its way: nothing changes then.
        if self:
            self._fulfilment_check_picker_write()
        return super().write(vals)

    def unlink(self):
        if self:
            self._fulfilment_check_picker_write()
        return super().unlink()

    def _action_cancel(self):
        # A cancelled move ships nothing: its scans go with its reservation.
        self.move_line_ids.filtered("fulfilment_scanned_qty").write(
            {"fulfilment_scanned_qty": 0.0}
        )
        return super()._action_cancel()

    def _do_unreserve(self):
        # A scan is never lost with the reservation: what was scanned becomes
        # picked first, and Odoo keeps picked moves as they are.
        self.move_line_ids._fulfilment_apply_scans()
        return super()._do_unreserve()

    # ------------------------------------------------------------
    # Picking screen: one line per move; scans counted on the move lines
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
            "picked_lots": sorted(
                set(lines._fulfilment_scanned().lot_id.mapped("name"))
            ),
            "uom": self.product_uom.name,
            "demand": self.product_uom_qty,
            "picked": self._fulfilment_picked_quantity(),
        }

    def _fulfilment_picked_quantity(self):
        """Quantity scanned so far, in the move's unit: picked lines count whole,
        the others for what was scanned of them (Odoo counts the reserved
        quantity as picked while nothing is picked)."""
        self.ensure_one()
        return sum(
            line.product_uom_id._compute_quantity(
                line.quantity if line.picked else line.fulfilment_scanned_qty,
                self.product_uom,
            )
            for line in self.move_line_ids
        )

    def _fulfilment_check_pick(self, quantity, lot=None):
        """Why scanning ``quantity`` (in the move's unit) is refused, or None."""
        self.ensure_one()
        rounding = self.product_uom.rounding
        picked = self._fulfilment_picked_quantity()
        if (
            float_compare(
                picked + quantity, self.product_uom_qty, precision_rounding=rounding
            )
            > 0
        ):
            return _(
                "Too many: %(product)s needs %(demand)s %(uom)s, "
                "%(picked)s already picked.",
                product=self.product_id.display_name,
                demand=self.product_uom_qty,
                uom=self.product_uom.name,
                picked=picked,
            )
        if (
            lot
            and self.has_tracking == "serial"
            and lot in self.move_line_ids._fulfilment_scanned().lot_id
        ):
            return _("Serial number %(serial)s was already scanned.", serial=lot.name)
        return None

    def _fulfilment_pick(self, quantity, lot=None):
        """Count ``quantity`` (in the move's unit) as scanned.

        A scan is counted on the reserved lines that still have room (those of
        the scanned lot when a lot is scanned): one write of a counter, the
        reservation untouched. A lot that is not reserved, or a quantity beyond
        the reservation, moves the reservation to a picked line instead.
        """
        self.ensure_one()
        lines = self.move_line_ids.filtered(
            lambda ml: not ml.picked and (not lot or ml.lot_id == lot)
        )
        remaining = self._fulfilment_spread_unscanned(
            quantity, lines, lambda line, taken: line._fulfilment_count_scan(taken)
        )
        if not float_is_zero(remaining, precision_rounding=self.product_uom.rounding):
            self._fulfilment_pick_unreserved(remaining, lot)

    def _fulfilment_pick_unreserved(self, quantity, lot=None):
        """Pick ``quantity`` that no reserved line can count: free what is not
        scanned of the other lines (another lot), then reserve it again, with
        anything beyond the reservation, on a picked line of the scanned lot."""
        self._fulfilment_spread_unscanned(
            quantity,
            self.move_line_ids.filtered(lambda ml: not ml.picked),
            lambda line, taken: line._fulfilment_release(taken),
        )
        self._fulfilment_add_picked_line(quantity, lot)

    def _fulfilment_spread_unscanned(self, quantity, lines, apply):
        """Spread ``quantity`` (in the move's unit) over what is not scanned yet
        of ``lines``, calling ``apply(line, quantity in the line's unit)`` for
        each line used.

        :return: the quantity no line had room for, in the move's unit
        """
        rounding = self.product_uom.rounding
        remaining = quantity
        for line in lines:
            if float_is_zero(remaining, precision_rounding=rounding):
                break
            room = line.product_uom_id._compute_quantity(
                line.quantity - line.fulfilment_scanned_qty, self.product_uom
            )
            if float_compare(room, 0, precision_rounding=rounding) <= 0:
                continue
            taken = min(remaining, room)
            apply(line, self.product_uom._compute_quantity(taken, line.product_uom_id))
            remaining -= taken
        return remaining

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

from odoo import api, fields, models
from odoo.tools import float_compare, float_is_zero


class StockMoveLine(models.Model):
    _name = "stock.move.line"
    _inherit = ["stock.move.line", "fulfilment.picker.hidden.mixin"]

    # Pickers see the lines of their deliveries, not the customer.
    _fulfilment_picker_hidden_fields = ("picking_partner_id",)

    # The picking screen counts scans here, on the reserved line, so that a
    # scan is one write that leaves the reservation alone; the count becomes
    # the picked quantity when the delivery is validated.
    fulfilment_scanned_qty = fields.Float(
        string="Scanned",
        digits="Product Unit of Measure",
        copy=False,
        help="Units of this line scanned on the picking screen so far.",
    )

    # ------------------------------------------------------------
    # Pickers change quantities through the picking screen only
    # ------------------------------------------------------------

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

    # ------------------------------------------------------------
    # Picking screen: scans counted on the reserved lines
    # ------------------------------------------------------------

    def _fulfilment_scanned(self):
        """Lines with something picked or scanned."""
        return self.filtered(lambda line: line.picked or line.fulfilment_scanned_qty)

    def _fulfilment_count_scan(self, quantity):
        """Count ``quantity`` (in the line's unit) more as scanned; a line
        scanned in full is picked."""
        self.ensure_one()
        scanned = self.fulfilment_scanned_qty + quantity
        values = {"fulfilment_scanned_qty": scanned}
        if (
            float_compare(
                scanned, self.quantity, precision_rounding=self.product_uom_id.rounding
            )
            >= 0
        ):
            values["picked"] = True
        self.write(values)

    def _fulfilment_release(self, quantity):
        """Free ``quantity`` (in the line's unit) of the line's reservation,
        never what was scanned of it."""
        self.ensure_one()
        rounding = self.product_uom_id.rounding
        left = self.quantity - quantity
        if float_is_zero(left, precision_rounding=rounding):
            self.unlink()
            return
        values = {"quantity": left}
        if self.fulfilment_scanned_qty and (
            float_compare(
                self.fulfilment_scanned_qty, left, precision_rounding=rounding
            )
            >= 0
        ):
            values["picked"] = True
        self.write(values)

    def _fulfilment_apply_scans(self):
        """Partly scanned lines ship what was scanned: the scanned count becomes
        their picked quantity and the rest of their reservation is freed."""
        for line in self.filtered(
            lambda ml: not ml.picked and ml.fulfilment_scanned_qty
        ):
            line.write({"quantity": line.fulfilment_scanned_qty, "picked": True})

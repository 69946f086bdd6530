from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_is_zero


class FulfilmentDeliverySplit(models.TransientModel):
    _name = "fulfilment.delivery.split"
    _description = "Ship Part of an Order Now, the Rest Later"

    order_id = fields.Many2one("sale.order", required=True)
    line_ids = fields.One2many(
        "fulfilment.delivery.split.line", "wizard_id", string="Lines"
    )
    later_date = fields.Datetime(
        string="Ship the Rest On",
        help="Scheduled date of the delivery that takes what is not shipped now.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        order = self.env["sale.order"].browse(
            self.env.context.get("default_order_id")
            or self.env.context.get("active_id")
        )
        if order and "line_ids" in fields_list:
            values["line_ids"] = [
                Command.create(
                    {"sale_line_id": line.id, "qty_now": line._fulfilment_qty_open()}
                )
                for line in order.order_line
                if not float_is_zero(
                    line._fulfilment_qty_open(),
                    precision_rounding=line.product_uom.rounding,
                )
            ]
        return values

    def action_split(self):
        """Keep the quantities to ship now in the current deliveries and move the
        rest of each line into a new delivery per picking (a backorder)."""
        self.ensure_one()
        later_by_picking = {}
        for wizard_line in self.line_ids:
            line = wizard_line.sale_line_id
            later = line.product_uom._compute_quantity(
                wizard_line.qty_open - wizard_line.qty_now, line.product_id.uom_id
            )
            # The most recent deliveries give up their quantity first.
            for move in line._fulfilment_open_moves().sorted("id", reverse=True):
                if float_is_zero(
                    later, precision_rounding=line.product_id.uom_id.rounding
                ):
                    break
                taken = min(later, move.product_qty)
                later_by_picking.setdefault(move.picking_id, []).append((move, taken))
                later -= taken
        if not later_by_picking:
            raise UserError(_("Lower the quantity to ship now on at least one line."))
        later_pickings = self.env["stock.picking"]
        for picking, parts in later_by_picking.items():
            later_moves = self.env["stock.move"]
            for move, quantity in parts:
                move._do_unreserve()
                if (
                    float_compare(
                        quantity,
                        move.product_qty,
                        precision_rounding=move.product_id.uom_id.rounding,
                    )
                    >= 0
                ):
                    later_moves |= move
                else:
                    new_move = self.env["stock.move"].create(move._split(quantity))
                    new_move._action_confirm(merge=False)
                    later_moves |= new_move
            later_picking = picking._create_backorder(backorder_moves=later_moves)
            if self.later_date:
                later_picking.scheduled_date = self.later_date
            picking.action_assign()
            later_pickings |= later_picking
        self.order_id.message_post(
            body=_(
                "Delivery split: what was kept for later is in %(pickings)s.",
                pickings=", ".join(later_pickings.mapped("name")),
            )
        )
        # The order stays on screen, reloaded, with the new deliveries linked.
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _(
                    "Delivery split: the rest waits in %s.",
                    ", ".join(["%s"] * len(later_pickings)),
                ),
                "links": [
                    {"label": picking.name, "url": f"/odoo/stock.picking/{picking.id}"}
                    for picking in later_pickings
                ],
                "next": {"type": "ir.actions.act_window_close"},
            },
        }


class FulfilmentDeliverySplitLine(models.TransientModel):
    _name = "fulfilment.delivery.split.line"
    _description = "Line of a Delivery Split"

    wizard_id = fields.Many2one(
        "fulfilment.delivery.split", required=True, ondelete="cascade"
    )
    sale_line_id = fields.Many2one(
        "sale.order.line", string="Order Line", required=True
    )
    product_id = fields.Many2one(related="sale_line_id.product_id")
    product_uom = fields.Many2one(related="sale_line_id.product_uom")
    qty_open = fields.Float(
        string="Not Shipped",
        compute="_compute_qty_open",
        digits="Product Unit of Measure",
    )
    qty_now = fields.Float(string="Ship Now", digits="Product Unit of Measure")

    @api.depends("sale_line_id")
    def _compute_qty_open(self):
        for line in self:
            line.qty_open = line.sale_line_id._fulfilment_qty_open()

    @api.constrains("qty_now")
    def _check_qty_now(self):
        for line in self:
            rounding = line.product_uom.rounding
            if (
                float_compare(line.qty_now, 0.0, precision_rounding=rounding) < 0
                or float_compare(
                    line.qty_now, line.qty_open, precision_rounding=rounding
                )
                > 0
            ):
                raise ValidationError(
                    _(
                        "%(product)s: ship now between 0 and %(open)s.",
                        product=line.product_id.display_name,
                        open=line.qty_open,
                    )
                )

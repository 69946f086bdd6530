from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_round

from .fulfilment_rma import RMA_OPEN_STATES, RMA_REASONS, RMA_RESOLUTIONS

ITEM_CONDITIONS = [
    ("unopened", "Unopened"),
    ("as_new", "Opened, as new"),
    ("used", "Used"),
    ("damaged", "Damaged"),
    ("defective", "Defective"),
]


class FulfilmentRmaLine(models.Model):
    _name = "fulfilment.rma.line"
    _description = "Returned Item"
    _order = "rma_id, sequence, id"
    _check_company_auto = True

    rma_id = fields.Many2one(
        "fulfilment.rma", string="Return", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="rma_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="rma_id.currency_id")
    state = fields.Selection(related="rma_id.state", store=True)
    order_id = fields.Many2one(related="rma_id.order_id", store=True)
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Order Line",
        required=True,
        index=True,
        domain="[('order_id', '=', order_id), ('is_delivery', '=', False), "
        "('display_type', '=', False)]",
    )
    product_id = fields.Many2one(
        related="sale_line_id.product_id", store=True, index=True, string="Product"
    )
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial Number",
        domain="[('product_id', '=', product_id)]",
        check_company=True,
    )
    quantity = fields.Float(
        digits="Product Unit of Measure", default=1.0, required=True
    )
    qty_returnable = fields.Float(
        string="Returnable",
        digits="Product Unit of Measure",
        compute="_compute_qty_returnable",
        help="Delivered quantity that is not returned and not claimed by another "
        "open return.",
    )
    quantity_received = fields.Float(
        string="Received",
        digits="Product Unit of Measure",
        compute="_compute_quantity_received",
        store=True,
    )
    condition = fields.Selection(ITEM_CONDITIONS, default="as_new")
    # What the customer says of this item; the return's own values are the
    # default for its items.
    reason = fields.Selection(
        RMA_REASONS,
        compute="_compute_request",
        store=True,
        readonly=False,
        precompute=True,
    )
    requested_resolution = fields.Selection(
        RMA_RESOLUTIONS,
        compute="_compute_request",
        store=True,
        readonly=False,
        precompute=True,
    )
    resolution = fields.Selection(
        RMA_RESOLUTIONS,
        compute="_compute_resolution",
        store=True,
        readonly=False,
        precompute=True,
    )
    exchange_product_id = fields.Many2one(
        "product.product",
        string="Exchange For",
        domain="[('sale_ok', '=', True), ('type', '=', 'consu')]",
        check_company=True,
    )
    exchange_price_unit = fields.Monetary(
        string="Exchange Price",
        compute="_compute_exchange_price_unit",
        store=True,
        readonly=False,
        precompute=True,
    )
    date_delivered = fields.Date(
        string="Delivered On", compute="_compute_return_deadline", store=True
    )
    return_deadline = fields.Date(compute="_compute_return_deadline", store=True)
    is_late = fields.Boolean(
        string="After Return Period", compute="_compute_return_deadline", store=True
    )
    move_ids = fields.One2many(
        "stock.move", "fulfilment_rma_line_id", string="Stock Moves", readonly=True
    )

    _sql_constraints = [
        (
            "quantity_positive",
            "CHECK(quantity >= 0)",
            "The returned quantity cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("rma_id.reason", "rma_id.requested_resolution")
    def _compute_request(self):
        for line in self:
            if not line.reason:
                line.reason = line.rma_id.reason
            if not line.requested_resolution:
                line.requested_resolution = line.rma_id.requested_resolution

    @api.depends("rma_id.resolution", "requested_resolution")
    def _compute_resolution(self):
        # Until the return is approved, an item follows the return's decided
        # resolution, unless the customer asked something else for it.
        for line in self:
            if not line.resolution or line.rma_id.state in ("draft", "requested"):
                requested = line.requested_resolution
                line.resolution = (
                    requested
                    if requested and requested != line.rma_id.requested_resolution
                    else line.rma_id.resolution
                )

    @api.depends("exchange_product_id")
    def _compute_exchange_price_unit(self):
        for line in self:
            product = line.exchange_product_id
            if not product:
                line.exchange_price_unit = 0.0
                continue
            order = line.rma_id.order_id
            if order.pricelist_id:
                line.exchange_price_unit = order.pricelist_id._get_product_price(
                    product, 1.0, currency=order.currency_id
                )
            else:
                line.exchange_price_unit = product.lst_price

    @api.depends(
        "sale_line_id.qty_delivered",
        "quantity",
        "rma_id.state",
    )
    def _compute_qty_returnable(self):
        claimed = self._get_claimed_quantities()
        for line in self:
            sale_line = line.sale_line_id
            own = line.quantity if line.state in RMA_OPEN_STATES else 0.0
            line.qty_returnable = max(
                0.0, sale_line.qty_delivered - (claimed.get(sale_line.id, 0.0) - own)
            )

    @api.depends("move_ids.state", "move_ids.quantity")
    def _compute_quantity_received(self):
        for line in self:
            line.quantity_received = sum(
                move.product_uom._compute_quantity(move.quantity, line.uom_id)
                for move in line.move_ids
                if move.state == "done" and move.picking_code == "incoming"
            )

    @api.depends(
        "sale_line_id.move_ids.state",
        "sale_line_id.move_ids.date",
        "product_id.categ_id",
        "rma_id.date_requested",
        "company_id.fulfilment_return_period_days",
    )
    def _compute_return_deadline(self):
        for line in self:
            delivery_moves = line._get_delivery_moves()
            if not delivery_moves:
                line.date_delivered = line.return_deadline = False
                line.is_late = False
                continue
            delivered = fields.Date.context_today(
                line, max(delivery_moves.mapped("date"))
            )
            days = line.product_id.categ_id._get_fulfilment_return_period(
                line.company_id or line.env.company
            )
            line.date_delivered = delivered
            line.return_deadline = delivered + timedelta(days=days)
            requested = fields.Date.context_today(
                line, line.rma_id.date_requested or fields.Datetime.now()
            )
            line.is_late = requested > line.return_deadline

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _get_claimed_quantities(self, sale_lines=None):
        """Quantities per order line held by open returns, in one query."""
        sale_lines = self.sale_line_id if sale_lines is None else sale_lines
        if not sale_lines:
            return {}
        groups = (
            self.env["fulfilment.rma.line"]
            .sudo()
            ._read_group(
                [
                    ("sale_line_id", "in", sale_lines.ids),
                    ("state", "in", list(RMA_OPEN_STATES)),
                ],
                ["sale_line_id"],
                ["quantity:sum"],
            )
        )
        return {sale_line.id: quantity for sale_line, quantity in groups}

    def _get_delivery_moves(self):
        """Done moves that brought this line's product to the customer."""
        self.ensure_one()
        outgoing, _incoming = self.sale_line_id.sudo()._get_outgoing_incoming_moves()
        return outgoing.filtered(lambda m: m.state == "done")

    def _get_unit_value(self):
        """Untaxed unit price the customer paid for the returned item."""
        self.ensure_one()
        sale_line = self.sale_line_id
        if not sale_line.product_uom_qty:
            return sale_line.price_unit * (1 - (sale_line.discount or 0.0) / 100.0)
        return sale_line.price_subtotal / sale_line.product_uom_qty

    def _check_returnable_quantity(self):
        """Refuse a quantity larger than delivered minus already returned or
        claimed by another open return."""
        self._lock_sale_lines()
        self.invalidate_recordset(["qty_returnable"])
        for line in self:
            rounding = line.uom_id.rounding
            if float_compare(line.quantity, 0.0, precision_rounding=rounding) <= 0:
                raise UserError(
                    _(
                        "Return %(rma)s: the quantity of %(product)s must be positive.",
                        rma=line.rma_id.name,
                        product=line.product_id.display_name,
                    )
                )
            if (
                float_compare(
                    line.quantity, line.qty_returnable, precision_rounding=rounding
                )
                > 0
            ):
                raise UserError(
                    _(
                        "Return %(rma)s: %(quantity)s × %(product)s cannot be "
                        "returned, only %(returnable)s delivered and not yet returned.",
                        rma=line.rma_id.name,
                        quantity=line.quantity,
                        product=line.product_id.display_name,
                        returnable=float_round(
                            line.qty_returnable, precision_rounding=rounding
                        ),
                    )
                )

    def _lock_sale_lines(self):
        """Serialise the returns of the same order lines until the end of the
        transaction, so that two requests cannot both see the last unit as
        returnable.

        The rows are locked (a second request waits for the first to end; NO
        KEY UPDATE, so that the foreign keys of the new return lines, which
        share-lock the same rows, cause no deadlock), then touched: a request
        whose snapshot predates the first one's commit then fails with a
        serialization error, which Odoo retries from the start in a new
        transaction, where the first return is seen. A lock alone would let it
        go on with its old snapshot.
        """
        sale_line_ids = tuple(sorted(set(self.sale_line_id.ids)))
        if not sale_line_ids:
            return
        self.env.cr.execute(
            SQL(
                "SELECT id FROM sale_order_line WHERE id IN %s "
                "ORDER BY id FOR NO KEY UPDATE",
                sale_line_ids,
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE sale_order_line SET write_date = write_date WHERE id IN %s",
                sale_line_ids,
            )
        )

    def _check_exchange_product(self):
        for line in self.filtered(lambda line: line.resolution == "exchange"):
            if not line.exchange_product_id:
                raise UserError(
                    _(
                        "Return %(rma)s: choose the product %(product)s is "
                        "exchanged for.",
                        rma=line.rma_id.name,
                        product=line.product_id.display_name,
                    )
                )

    def _allocate_to_delivery_moves(self):
        """Split the line's quantity over the delivery moves still returnable,
        newest first: ``[(move, quantity), ...]``."""
        self.ensure_one()
        remaining = self.quantity
        allocation = []
        rounding = self.uom_id.rounding
        for move in self._get_delivery_moves().sorted("date", reverse=True):
            returned = sum(
                m.quantity if m.state == "done" else m.product_uom_qty
                for m in move.returned_move_ids
                if m.state != "cancel"
            )
            available = move.quantity - returned
            if float_compare(available, 0.0, precision_rounding=rounding) <= 0:
                continue
            taken = min(available, remaining)
            allocation.append((move, taken))
            remaining -= taken
            if float_compare(remaining, 0.0, precision_rounding=rounding) <= 0:
                break
        if float_compare(remaining, 0.0, precision_rounding=rounding) > 0:
            raise UserError(
                _(
                    "Return %(rma)s: only part of %(product)s can be matched with "
                    "its deliveries.",
                    rma=self.rma_id.name,
                    product=self.product_id.display_name,
                )
            )
        return allocation

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import float_compare, float_is_zero

# Fields of an order line whose changes are written in the order's chatter.
AUDITED_LINE_FIELDS = ("product_id", "product_uom_qty", "price_unit", "discount")


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        # Sale already logs lines added to confirmed orders ("Extra line").
        for order, order_lines in (
            lines.filtered(lambda line: line.product_id and line.state != "sale")
            .grouped("order_id")
            .items()
        ):
            if not self.env.context.get("fulfilment_no_line_audit"):
                order._message_log(
                    body=Markup("%s<ul>%s</ul>")
                    % (
                        _("Lines added:"),
                        Markup().join(
                            Markup("<li>%s</li>") % line._fulfilment_audit_label()
                            for line in order_lines
                        ),
                    )
                )
        return lines

    def write(self, vals):
        audited = [f for f in AUDITED_LINE_FIELDS if f in vals]
        before = {}
        if audited and not self.env.context.get("fulfilment_no_line_audit"):
            before = {line: line._fulfilment_audit_values(audited) for line in self}
        result = super().write(vals)
        changes_by_order = {}
        for line, old_values in before.items():
            new_values = line._fulfilment_audit_values(audited)
            changed = [
                (field, old_values[field], new_values[field])
                for field in audited
                if old_values[field] != new_values[field]
                # Sale already logs quantity changes on confirmed orders.
                and not (field == "product_uom_qty" and line.state == "sale")
            ]
            if changed:
                changes_by_order.setdefault(line.order_id, []).append((line, changed))
        for order, line_changes in changes_by_order.items():
            items = Markup()
            for line, changed in line_changes:
                details = Markup(", ").join(
                    Markup("%s: %s → %s")
                    % (
                        self._fields[field].get_description(self.env)["string"],
                        old,
                        new,
                    )
                    for field, old, new in changed
                )
                items += Markup("<li>%s (%s)</li>") % (
                    line.name.split("\n")[0],
                    details,
                )
            order._message_log(
                body=Markup("%s<ul>%s</ul>") % (_("Lines changed:"), items)
            )
        return result

    def unlink(self):
        if not self.env.context.get("fulfilment_no_line_audit"):
            for order, lines in self.filtered("product_id").grouped("order_id").items():
                order._message_log(
                    body=Markup("%s<ul>%s</ul>")
                    % (
                        _("Lines removed:"),
                        Markup().join(
                            Markup("<li>%s</li>") % line._fulfilment_audit_label()
                            for line in lines
                        ),
                    )
                )
        return super().unlink()

    def _fulfilment_audit_values(self, field_names):
        self.ensure_one()
        values = {}
        for field in field_names:
            value = self[field]
            values[field] = value.display_name if field == "product_id" else value
        return values

    def _fulfilment_audit_label(self):
        self.ensure_one()
        return _(
            "%(product)s: %(qty)s × %(price)s",
            product=self.product_id.display_name,
            qty=self.product_uom_qty,
            price=self.price_unit,
        )

    # ------------------------------------------------------------
    # Partial shipments: shipped / remaining quantity and status per line
    # ------------------------------------------------------------

    fulfilment_qty_remaining = fields.Float(
        string="Remaining to Ship",
        compute="_compute_fulfilment_shipping",
        store=True,
        digits="Product Unit of Measure",
    )
    fulfilment_shipping_status = fields.Selection(
        [
            ("none", "Nothing to Ship"),
            ("to_ship", "To Ship"),
            ("partial", "Partially Shipped"),
            ("shipped", "Shipped"),
        ],
        string="Shipping Status",
        compute="_compute_fulfilment_shipping",
        store=True,
        index=True,
    )

    @api.depends(
        "product_uom_qty",
        "qty_delivered",
        "qty_delivered_method",
        "state",
        "display_type",
    )
    def _compute_fulfilment_shipping(self):
        for line in self:
            rounding = line.product_uom.rounding or 0.01
            if (
                line.display_type
                or line.qty_delivered_method != "stock_move"
                or line.state != "sale"
            ):
                line.fulfilment_qty_remaining = 0.0
                line.fulfilment_shipping_status = "none"
                continue
            remaining = max(line.product_uom_qty - line.qty_delivered, 0.0)
            line.fulfilment_qty_remaining = remaining
            if float_is_zero(remaining, precision_rounding=rounding):
                line.fulfilment_shipping_status = "shipped"
            elif (
                float_compare(line.qty_delivered, 0.0, precision_rounding=rounding) > 0
            ):
                line.fulfilment_shipping_status = "partial"
            else:
                line.fulfilment_shipping_status = "to_ship"

    def _fulfilment_open_moves(self):
        """Outgoing moves of the line still to ship, in deliveries not done."""
        self.ensure_one()
        return self.move_ids.filtered(
            lambda move: (
                move.state not in ("draft", "done", "cancel")
                and move.picking_id
                and move.picking_code == "outgoing"
            )
        )

    def _fulfilment_qty_open(self):
        """Quantity of the line in open deliveries, in the line's unit."""
        self.ensure_one()
        return sum(
            move.product_uom._compute_quantity(move.product_uom_qty, self.product_uom)
            for move in self._fulfilment_open_moves()
        )

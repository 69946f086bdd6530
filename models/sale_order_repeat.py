"""Repeat orders: *Order Again* makes a new quotation of the same products."""

from odoo import Command, _, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_fulfilment_order_again(self):
        """Open a new quotation with the order's products at today's prices."""
        self.ensure_one()
        quotation = self._fulfilment_order_again()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "view_mode": "form",
            "views": [(False, "form")],
            "res_id": quotation.id,
        }

    def _fulfilment_order_again(self):
        """A new quotation for the same customer and addresses with the same
        products and quantities; prices, taxes and discounts are today's.

        :return: the new quotation
        """
        self.ensure_one()
        quotation = self.create(self._fulfilment_prepare_order_again_values())
        quotation._message_log(body=_("Ordered again from %s.", self._get_html_link()))
        self._message_log(body=_("Ordered again: %s.", quotation._get_html_link()))
        return quotation

    def _fulfilment_prepare_order_again_values(self):
        """Values of the repeat order's quotation (a hook to add or drop lines)."""
        self.ensure_one()
        return {
            "partner_id": self.partner_id.id,
            "partner_invoice_id": self.partner_invoice_id.id,
            "partner_shipping_id": self.partner_shipping_id.id,
            "company_id": self.company_id.id,
            "origin": self.name,
            "order_line": [
                Command.create(values)
                for line in self.order_line
                if (values := self._fulfilment_prepare_order_again_line(line))
            ],
        }

    def _fulfilment_prepare_order_again_line(self, line):
        """Values of ``line`` in the repeat order, or None when it is not
        repeated: shipping and down payments follow from the new order, and
        products no longer sold are left out (a hook for other fee lines)."""
        if line.display_type:
            return {
                "display_type": line.display_type,
                "name": line.name,
                "sequence": line.sequence,
            }
        product = line.product_id
        if (
            not product
            or line.is_delivery
            or line.is_downpayment
            or not product.active
            or not product.sale_ok
        ):
            return None
        return {
            "product_id": product.id,
            "product_uom_qty": line.product_uom_qty,
            "product_uom": line.product_uom.id,
            "product_no_variant_attribute_value_ids": [
                Command.set(line.product_no_variant_attribute_value_ids.ids)
            ],
            "sequence": line.sequence,
        }

from odoo import _, api, models
from odoo.exceptions import UserError


class ReportFulfilmentOrderWarranty(models.AbstractModel):
    _name = "report.order_fulfilment.report_fulfilment_order_warranty"
    _description = "Warranty Certificates of an Order"

    @api.model
    def _get_report_values(self, docids, data=None):
        """The orders and their active certificates; an order without any is
        refused with a clear message instead of printing an empty page."""
        orders = self.env["sale.order"].browse(docids)
        warranties = self.env["fulfilment.warranty"].search(
            [("order_id", "in", orders.ids), ("state", "=", "active")],
            order="order_id, id",
        )
        without = orders - warranties.order_id
        if without:
            raise UserError(
                _(
                    "%(orders)s has no active warranty certificate to print.",
                    orders=", ".join(without.mapped("name")),
                )
            )
        return {
            "doc_ids": orders.ids,
            "doc_model": "sale.order",
            "docs": orders,
            "warranties_by_order": {
                order.id: warranties.filtered(
                    lambda w, order=order: w.order_id == order
                )
                for order in orders
            },
        }

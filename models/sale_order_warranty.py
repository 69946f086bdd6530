"""Warranty certificates of the order."""

from odoo import _, api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # Certificates are the fulfilment operators' business.
    fulfilment_warranty_ids = fields.One2many(
        "fulfilment.warranty",
        "order_id",
        string="Warranty Certificates",
        readonly=True,
        groups="order_fulfilment.group_user",
    )
    fulfilment_warranty_count = fields.Integer(
        string="Warranty Certificates Count",
        compute="_compute_fulfilment_warranty_count",
        groups="order_fulfilment.group_user",
    )

    @api.depends("fulfilment_warranty_ids")
    def _compute_fulfilment_warranty_count(self):
        counts = dict(
            self.env["fulfilment.warranty"]._read_group(
                [("order_id", "in", self.ids)], ["order_id"], ["__count"]
            )
        )
        for order in self:
            order.fulfilment_warranty_count = counts.get(order, 0)

    def _fulfilment_create_warranty_certificates(self):
        """Issue the certificates missing for the units the orders delivered
        (done deliveries to the customer), then return the orders' active
        certificates. Safe to call again: it never issues a unit twice.

        :return: ``fulfilment.warranty`` records in the state "active"
        """
        moves = self.sudo().order_line.move_ids.filtered(
            lambda m: m.state == "done" and m.location_dest_id.usage == "customer"
        )
        Warranty = self.env["fulfilment.warranty"]
        Warranty._issue_for_moves(moves)
        return Warranty.search([("order_id", "in", self.ids), ("state", "=", "active")])

    def _fulfilment_warranty_documents(self):
        """The warranty certificates of the units the order delivered, in one
        PDF, for order completion."""
        self.ensure_one()
        if not self._fulfilment_create_warranty_certificates():
            return []
        return [
            self._fulfilment_report_document(
                "order_fulfilment.action_report_fulfilment_order_warranty",
                self.sudo(),
                _("Warranty Certificates"),
            )
        ]

    def action_view_fulfilment_warranties(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_fulfilment.fulfilment_warranty_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"create": False}
        if self.fulfilment_warranty_count == 1:
            action.update(
                views=[(False, "form")], res_id=self.fulfilment_warranty_ids.id
            )
        return action

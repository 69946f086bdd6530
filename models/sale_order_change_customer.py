"""Moving a confirmed order to another customer account
(wizard ``fulfilment.change.customer``)."""

from odoo import _, models
from odoo.exceptions import AccessError

# What the order keeps when it changes customer: Odoo would recompute these
# from the new customer, which would change the terms of a confirmed order
# (its pricelist Odoo already keeps).
KEPT_ON_CUSTOMER_CHANGE = (
    "fiscal_position_id",
    "payment_term_id",
    "note",
    "user_id",
    "team_id",
)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_fulfilment_change_customer(self):
        """Open the wizard that moves the order to another customer."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Change Customer"),
            "res_model": "fulfilment.change.customer",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _fulfilment_change_customer_problems(self):
        """Why the order cannot move to another customer, each with what to
        do instead; empty when it can."""
        self.ensure_one()
        problems = []
        if self.state != "sale":
            problems.append(
                _(
                    "%(order)s is not a confirmed order: change the customer of a "
                    "quotation on the quotation itself.",
                    order=self.name,
                )
            )
        posted = self.invoice_ids.filtered(lambda move: move.state == "posted")
        if posted:
            problems.append(
                _(
                    "Invoice(s) %(invoices)s are posted to the current customer: "
                    "issue a credit note for them first (Credit Note on the "
                    "invoice), then change the customer and invoice the new one.",
                    invoices=", ".join(posted.mapped("name")),
                )
            )
        done = self.picking_ids.filtered(lambda picking: picking.state == "done")
        if done:
            problems.append(
                _(
                    "Delivery(ies) %(pickings)s already left for the current "
                    "customer: receive the goods back with a return first, or "
                    "create a new order for the new customer.",
                    pickings=", ".join(done.mapped("name")),
                )
            )
        return problems

    def _fulfilment_change_customer(self, partner, invoice_address, shipping_address):
        """Move the order, its open deliveries, its draft invoices and its
        returns to ``partner`` and its addresses. Prices, terms and the
        fulfilment status stay as they are; the old customer stops following
        the order and loses its share links, the new one follows it."""
        self.ensure_one()
        if not self.env.user.has_group("order_fulfilment.group_user"):
            raise AccessError(
                _("Only fulfilment operators can change the customer of an order.")
            )
        self.check_access("write")
        old_partners = (
            self.partner_id | self.partner_invoice_id | self.partner_shipping_id
        ) - partner
        kept = {
            name: self._fields[name].convert_to_write(self[name], self)
            for name in KEPT_ON_CUSTOMER_CHANGE
        }
        self.write(
            {
                **kept,
                "partner_id": partner.id,
                "partner_invoice_id": invoice_address.id,
                "partner_shipping_id": shipping_address.id,
                # Links already sent to the old customer stop opening the order.
                "access_token": False,
            }
        )
        # The order's documents follow it, whatever the operator's rights on
        # deliveries, invoices and returns (checked above on the order).
        order = self.sudo()
        order.picking_ids.filtered(
            lambda picking: picking.state not in ("done", "cancel")
        ).write({"partner_id": shipping_address.id})
        drafts = order.invoice_ids.filtered(lambda move: move.state == "draft")
        drafts.write(
            {
                "partner_id": invoice_address.id,
                "partner_shipping_id": shipping_address.id,
                "access_token": False,
            }
        )
        rmas = order.fulfilment_rma_ids
        rmas.write({"partner_id": partner.id, "access_token": False})
        rmas.picking_ids.filtered(
            lambda picking: picking.state not in ("done", "cancel")
        ).write({"partner_id": shipping_address.id})
        for records in (order, drafts, rmas):
            records.message_unsubscribe(partner_ids=old_partners.ids)
            records.message_subscribe(partner_ids=partner.ids)

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FulfilmentChangeCustomer(models.TransientModel):
    """Move a confirmed order to another customer account.

    The order, its open deliveries, its draft invoices and its returns go to
    the new customer and addresses; prices and the fulfilment status stay as
    they are. What already left (a done delivery) or was declared to the tax
    office (a posted invoice) cannot move: the wizard refuses and says what
    to do instead.
    """

    _name = "fulfilment.change.customer"
    _description = "Change the Customer of an Order"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    company_id = fields.Many2one(related="order_id.company_id")
    old_partner_id = fields.Many2one(
        related="order_id.partner_id", string="Current Customer"
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="New Customer",
        required=True,
        domain="[('type', '!=', 'private'), ('company_id', 'in', (False, company_id))]",
    )
    partner_invoice_id = fields.Many2one(
        "res.partner",
        string="Invoice Address",
        compute="_compute_addresses",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
    )
    partner_shipping_id = fields.Many2one(
        "res.partner",
        string="Delivery Address",
        compute="_compute_addresses",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
    )
    commercial_partner_id = fields.Many2one(related="partner_id.commercial_partner_id")
    reason = fields.Char(required=True, help="Kept in the order's chatter.")
    problems = fields.Text(
        compute="_compute_problems",
        help="Why the order cannot move, and what to do instead.",
    )

    @api.depends("partner_id")
    def _compute_addresses(self):
        for wizard in self:
            addresses = wizard.partner_id.address_get(["invoice", "delivery"])
            wizard.partner_invoice_id = (
                addresses["invoice"] if wizard.partner_id else False
            )
            wizard.partner_shipping_id = (
                addresses["delivery"] if wizard.partner_id else False
            )

    @api.depends("order_id")
    def _compute_problems(self):
        for wizard in self:
            wizard.problems = "\n".join(
                wizard.order_id._fulfilment_change_customer_problems()
            )

    def action_apply(self):
        """Move the order and its documents to the new customer."""
        self.ensure_one()
        order = self.order_id
        problems = order._fulfilment_change_customer_problems()
        if problems:
            raise UserError(
                _(
                    "The customer of %(order)s cannot be changed:\n%(problems)s",
                    order=order.name,
                    problems="\n".join(f"- {problem}" for problem in problems),
                )
            )
        if self.partner_id == order.partner_id and (
            self.partner_invoice_id == order.partner_invoice_id
            and self.partner_shipping_id == order.partner_shipping_id
        ):
            raise UserError(_("%s already belongs to this customer.", order.name))
        for address in self.partner_invoice_id | self.partner_shipping_id:
            if address.commercial_partner_id != self.partner_id.commercial_partner_id:
                raise UserError(
                    _(
                        "%(address)s is not an address of %(customer)s.",
                        address=address.display_name,
                        customer=self.partner_id.display_name,
                    )
                )
        before = (order.partner_id, order.partner_invoice_id, order.partner_shipping_id)
        order._fulfilment_change_customer(
            self.partner_id, self.partner_invoice_id, self.partner_shipping_id
        )
        order._message_log(
            body=Markup("%s<ul><li>%s</li><li>%s</li><li>%s</li></ul>")
            % (
                _("Customer changed: %(reason)s", reason=self.reason),
                _(
                    "Customer: %(old)s → %(new)s",
                    old=before[0].display_name,
                    new=self.partner_id.display_name,
                ),
                _(
                    "Invoice address: %(old)s → %(new)s",
                    old=before[1].display_name,
                    new=self.partner_invoice_id.display_name,
                ),
                _(
                    "Delivery address: %(old)s → %(new)s",
                    old=before[2].display_name,
                    new=self.partner_shipping_id.display_name,
                ),
            )
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _(
                    "%(order)s now belongs to %(customer)s.",
                    order=order.name,
                    customer=self.partner_id.display_name,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

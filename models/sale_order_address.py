"""Delivery address checks on the order: problems, manager override, AWBs
made for an address that changed since."""

from odoo import _, api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    fulfilment_address_problems = fields.Text(
        string="Address Problems",
        compute="_compute_fulfilment_address_problems",
        help="What the courier would refuse or get wrong in the delivery address "
        "(empty when the address is good).",
    )
    fulfilment_address_override = fields.Boolean(
        string="Address Accepted by a Manager",
        copy=False,
        readonly=True,
        tracking=True,
        help="A manager accepted the delivery address despite its problems: "
        "the order can be shipped and completed.",
    )
    fulfilment_awb_address_changed = fields.Boolean(
        compute="_compute_fulfilment_awb_address_changed",
        string="AWB for an Old Address",
    )

    @api.depends(
        "partner_shipping_id.street",
        "partner_shipping_id.street_number",
        "partner_shipping_id.city",
        "partner_shipping_id.city_id",
        "partner_shipping_id.zip",
        "partner_shipping_id.state_id",
        "partner_shipping_id.country_id",
        "partner_shipping_id.phone",
        "partner_shipping_id.mobile",
        "carrier_id.country_ids",
        "carrier_id.delivery_type",
    )
    def _compute_fulfilment_address_problems(self):
        # The order is readable here; its carrier is read as superuser, for the
        # users who may read orders but not shipping methods (Invoicing), and
        # so is the address (in one pass for the whole batch).
        orders = self.sudo()
        # Only the two columns needed, not every column of the orders.
        orders.filtered("id").fetch(["partner_shipping_id", "carrier_id"])
        collected = orders.carrier_id.filtered(lambda c: c.delivery_type == "in_store")
        targets = {}
        for order in orders:
            partner, carrier = order.partner_shipping_id, order.carrier_id
            if partner and carrier and carrier not in collected:
                targets[order.id] = (partner, carrier)
        problems = self.env["fulfilment.address.check"]._problems(targets)
        for order in self:
            order.fulfilment_address_problems = "\n".join(problems.get(order.id, []))

    def _fulfilment_address_is_checked(self):
        """Orders sent by a carrier to the customer's address (not collected)."""
        self.ensure_one()
        carrier = self.carrier_id.sudo()
        return bool(
            self.partner_shipping_id and carrier and carrier.delivery_type != "in_store"
        )

    @api.depends("picking_ids.fulfilment_awb_address_changed")
    def _compute_fulfilment_awb_address_changed(self):
        for order in self:
            order.fulfilment_awb_address_changed = any(
                order.picking_ids.mapped("fulfilment_awb_address_changed")
            )

    @api.onchange("partner_shipping_id")
    def _onchange_fulfilment_awb_address(self):
        with_awb = self._origin.picking_ids.filtered(
            lambda p: p.carrier_tracking_ref and p.state != "cancel"
        )
        if with_awb and self.partner_shipping_id != self._origin.partner_shipping_id:
            return {
                "warning": {
                    "title": _("The courier has the old address"),
                    "message": _(
                        "AWB %s was created for the previous delivery address. "
                        "Once saved, cancel it and create a new one (button "
                        "“Recreate AWB”).",
                        ", ".join(with_awb.mapped("carrier_tracking_ref")),
                    ),
                }
            }
        return None

    def _fulfilment_address_blocking_problems(self):
        """The address problems that refuse shipping and completion (none once
        a manager accepted the address)."""
        self.ensure_one()
        if self.fulfilment_address_override:
            return []
        return [
            line
            for line in (self.fulfilment_address_problems or "").split("\n")
            if line
        ]

    def _fulfilment_completion_problems(self):
        problems = super()._fulfilment_completion_problems()
        address = self._fulfilment_address_blocking_problems()
        if address:
            problems.append(
                _(
                    "The delivery address %(address)s has problems: %(problems)s",
                    address=self.partner_shipping_id.display_name,
                    problems=" ".join(address),
                )
            )
        return problems

    def action_fulfilment_accept_address(self):
        """Managers: ship and complete despite the address problems."""
        return self.env["fulfilment.address.override"]._open(self)

    def action_fulfilment_recreate_awb(self):
        """Cancel the AWBs made for the old address and ask for new ones."""
        pickings = self.picking_ids.filtered("fulfilment_awb_address_changed")
        return pickings.action_fulfilment_recreate_awb()

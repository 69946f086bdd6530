"""Delivery address checks on deliveries: problems, manager override, the
Send to Courier refusal, AWBs made for an address that changed since."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

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
    )
    fulfilment_awb_address = fields.Char(
        copy=False,
        readonly=True,
        help="The delivery address the AWB was created for.",
    )
    fulfilment_awb_address_changed = fields.Boolean(
        compute="_compute_fulfilment_awb_address_changed",
        string="AWB for an Old Address",
    )

    @api.depends(
        "partner_id.street",
        "partner_id.street_number",
        "partner_id.city",
        "partner_id.city_id",
        "partner_id.zip",
        "partner_id.state_id",
        "partner_id.country_id",
        "partner_id.phone",
        "partner_id.mobile",
        "carrier_id.country_ids",
        "carrier_id.delivery_type",
        "picking_type_code",
    )
    def _compute_fulfilment_address_problems(self):
        targets = {
            picking.id: (picking.partner_id, picking.carrier_id)
            for picking in self
            if picking.partner_id
            and picking.carrier_id
            and picking.carrier_id.delivery_type != "in_store"
            and picking.picking_type_code == "outgoing"
        }
        problems = self.env["fulfilment.address.check"]._problems(targets)
        for picking in self:
            picking.fulfilment_address_problems = "\n".join(
                problems.get(picking.id, [])
            )

    @api.depends(
        "carrier_tracking_ref",
        "carrier_id.delivery_type",
        "fulfilment_awb_address",
        "partner_id.street",
        "partner_id.street2",
        "partner_id.city",
        "partner_id.zip",
        "partner_id.state_id",
        "partner_id.country_id",
    )
    def _compute_fulfilment_awb_address_changed(self):
        for picking in self:
            # Couriers only: a manual tracking number has no AWB to recreate.
            picking.fulfilment_awb_address_changed = bool(
                picking.carrier_tracking_ref
                and picking.carrier_id.fulfilment_is_courier
                and picking.fulfilment_awb_address
                and picking.state != "cancel"
                and picking.fulfilment_awb_address
                != picking._fulfilment_address_fingerprint()
            )

    def _fulfilment_address_fingerprint(self):
        self.ensure_one()
        partner = self.partner_id
        return f"{partner.id}\n{partner._display_address(without_company=True)}"

    def write(self, vals):
        result = super().write(vals)
        if vals.get("carrier_tracking_ref"):
            # Remember the address the AWB was made for.
            for picking in self:
                fingerprint = picking._fulfilment_address_fingerprint()
                super(StockPicking, picking).write(
                    {"fulfilment_awb_address": fingerprint}
                )
        return result

    def _fulfilment_address_problems_for_shipping(self):
        """The address problems that refuse sending these deliveries to their
        courier: {picking: list of sentences}, without the deliveries whose
        address a manager accepted (on the delivery or its order)."""
        return {
            picking: picking.fulfilment_address_problems.split("\n")
            for picking in self
            if picking.fulfilment_address_problems
            and not picking.fulfilment_address_override
            and not picking.sale_id.fulfilment_address_override
        }

    def _fulfilment_check_shipping_addresses(self):
        """Refuse, with the list of what is wrong, deliveries whose address
        has problems (nothing is sent then)."""
        refused = self._fulfilment_address_problems_for_shipping()
        if not refused:
            return
        raise UserError(
            "\n".join(
                _(
                    "%(picking)s cannot be sent to the courier, its address has "
                    "problems:\n%(problems)s",
                    picking=picking.name,
                    problems="\n".join(f"- {problem}" for problem in problems),
                )
                for picking, problems in refused.items()
            )
            + "\n"
            + _("Fix the address, or ask a manager to accept it.")
        )

    def action_fulfilment_accept_address(self):
        """Managers: send to the courier despite the address problems."""
        return self.env["fulfilment.address.override"]._open(self)

    def action_fulfilment_recreate_awb(self):
        """Cancel the AWB made for the old address, then create a new one."""
        pickings = self.filtered("carrier_tracking_ref")
        if not pickings:
            raise UserError(_("These deliveries have no AWB to recreate."))
        for picking in pickings:
            old = picking.carrier_tracking_ref
            picking.action_fulfilment_cancel_awb()
            picking._message_log(
                body=_(
                    "AWB %s cancelled: the delivery address changed after it was "
                    "created.",
                    old,
                )
            )
        return pickings.action_fulfilment_send_to_courier()

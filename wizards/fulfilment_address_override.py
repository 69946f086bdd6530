from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class FulfilmentAddressOverride(models.TransientModel):
    _name = "fulfilment.address.override"
    _description = "Accept a Delivery Address Despite its Problems"

    order_ids = fields.Many2many("sale.order", string="Orders", readonly=True)
    picking_ids = fields.Many2many("stock.picking", string="Deliveries", readonly=True)
    problems = fields.Text(compute="_compute_problems")
    reason = fields.Text(
        required=True, help="Why the address may go to the courier as it is."
    )

    @api.model
    def _open(self, records):
        """The wizard accepting the addresses of ``records`` (orders or
        deliveries)."""
        field = "order_ids" if records._name == "sale.order" else "picking_ids"
        return {
            "type": "ir.actions.act_window",
            "name": _("Accept the Address"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {f"default_{field}": records.ids},
        }

    @api.depends("order_ids", "picking_ids")
    def _compute_problems(self):
        for wizard in self:
            wizard.problems = "\n\n".join(
                f"{record.name}:\n{record.fulfilment_address_problems}"
                for record in [*wizard.order_ids, *wizard.picking_ids]
                if record.fulfilment_address_problems
            )

    def action_accept(self):
        """Record the manager's acceptance and its reason on each record."""
        self.ensure_one()
        if not self.env.user.has_group("order_fulfilment.group_manager"):
            raise AccessError(
                _("Only fulfilment managers can accept an address with problems.")
            )
        if not (self.reason or "").strip():
            raise UserError(_("Say why the address may be used as it is."))
        for record in [*self.order_ids, *self.picking_ids]:
            record.check_access("write")
            record.fulfilment_address_override = True
            record.message_post(
                body=Markup("%s<br/>%s<br/>%s")
                % (
                    _("Delivery address accepted despite its problems:"),
                    record.fulfilment_address_problems or _("(none left)"),
                    _("Reason: %s", self.reason),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return {"type": "ir.actions.act_window_close"}

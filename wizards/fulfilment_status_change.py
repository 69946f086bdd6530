from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FulfilmentStatusChange(models.TransientModel):
    _name = "fulfilment.status.change"
    _description = "Change the Fulfilment Status of Orders"

    order_ids = fields.Many2many("sale.order", string="Orders", required=True)
    order_count = fields.Integer(compute="_compute_order_count")
    status_id = fields.Many2one("fulfilment.status", string="New Status", required=True)
    reason = fields.Char(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if (
            self.env.context.get("active_model") == "sale.order"
            and "order_ids" in fields_list
        ):
            values["order_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    @api.depends("order_ids")
    def _compute_order_count(self):
        for wizard in self:
            wizard.order_count = len(wizard.order_ids)

    def action_apply(self):
        """Change every order that allows it; list the refusals with their reason."""
        self.ensure_one()
        results = []
        for order in self.order_ids:
            try:
                # Each order in its own savepoint: one refusal changes nothing
                # for that order and does not stop the others.
                with self.env.cr.savepoint():
                    order._fulfilment_set_status(self.status_id, reason=self.reason)
            except UserError as exc:
                results.append((order, False, exc.args[0]))
            else:
                results.append((order, True, _("Status changed.")))
        return self.env["fulfilment.batch.result"]._open(
            results,
            _("Change Status: Results"),
            success_summary=_("order(s) changed status."),
            refused_summary=_("order(s) could not be changed; see why below."),
        )

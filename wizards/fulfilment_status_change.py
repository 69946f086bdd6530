from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FulfilmentStatusChange(models.TransientModel):
    _name = "fulfilment.status.change"
    _description = "Change the Fulfilment Status of Orders"

    order_ids = fields.Many2many("sale.order", string="Orders", required=True)
    order_count = fields.Integer(compute="_compute_order_count")
    status_id = fields.Many2one("fulfilment.status", string="New Status", required=True)
    reason = fields.Char(required=True)
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    line_ids = fields.One2many(
        "fulfilment.status.change.line", "wizard_id", string="Results", readonly=True
    )
    changed_count = fields.Integer(readonly=True)
    refused_count = fields.Integer(readonly=True)

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
        changed = refused = 0
        for order in self.order_ids:
            try:
                # Each order in its own savepoint: one refusal changes nothing
                # for that order and does not stop the others.
                with self.env.cr.savepoint():
                    order._fulfilment_set_status(self.status_id, reason=self.reason)
            except UserError as exc:
                refused += 1
                results.append(
                    {"order_id": order.id, "success": False, "message": exc.args[0]}
                )
            else:
                changed += 1
                results.append(
                    {
                        "order_id": order.id,
                        "success": True,
                        "message": _("Status changed."),
                    }
                )
        self.write(
            {
                "state": "done",
                "changed_count": changed,
                "refused_count": refused,
                "line_ids": [fields.Command.create(vals) for vals in results],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Change Status: Results"),
        }


class FulfilmentStatusChangeLine(models.TransientModel):
    _name = "fulfilment.status.change.line"
    _description = "Result of a Fulfilment Status Change"

    wizard_id = fields.Many2one(
        "fulfilment.status.change", required=True, ondelete="cascade"
    )
    order_id = fields.Many2one("sale.order", readonly=True)
    success = fields.Boolean(readonly=True)
    message = fields.Char(readonly=True)

from odoo import api, fields, models


class FulfilmentCompletionResult(models.TransientModel):
    _name = "fulfilment.completion.result"
    _description = "Complete Orders: Results"

    line_ids = fields.One2many(
        "fulfilment.completion.result.line", "result_id", readonly=True
    )
    completed_count = fields.Integer(readonly=True)
    refused_count = fields.Integer(readonly=True)

    @api.model
    def _open(self, results):
        """Show the outcome of completing several orders: one line per order.

        :param results: list of (order, completed, message)
        """
        wizard = self.create(
            {
                "completed_count": sum(1 for _order, ok, _message in results if ok),
                "refused_count": sum(1 for _order, ok, _message in results if not ok),
                "line_ids": [
                    fields.Command.create(
                        {"order_id": order.id, "success": ok, "message": message}
                    )
                    for order, ok, message in results
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Complete Orders"),
        }

    def action_view_refused(self):
        """The refused orders, to fix and complete again."""
        self.ensure_one()
        orders = self.line_ids.filtered(lambda line: not line.success).order_id
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "name": self.env._("Orders Not Completed"),
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", orders.ids)],
        }


class FulfilmentCompletionResultLine(models.TransientModel):
    _name = "fulfilment.completion.result.line"
    _description = "Complete Orders: Result of One Order"

    result_id = fields.Many2one("fulfilment.completion.result", ondelete="cascade")
    order_id = fields.Many2one("sale.order", readonly=True)
    partner_id = fields.Many2one(related="order_id.partner_id")
    success = fields.Boolean(string="Completed", readonly=True)
    message = fields.Text(readonly=True)

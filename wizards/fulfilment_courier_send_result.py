from odoo import api, fields, models


class FulfilmentCourierSendResult(models.TransientModel):
    _name = "fulfilment.courier.send.result"
    _description = "Send to Courier: Results"

    line_ids = fields.One2many("fulfilment.courier.send.result.line", "result_id")
    sent_count = fields.Integer()
    refused_count = fields.Integer()

    @api.model
    def _open(self, results):
        """Show the outcome of a bulk send: one line per delivery."""
        wizard = self.create(
            {
                "sent_count": sum(1 for _picking, ok, _message in results if ok),
                "refused_count": sum(1 for _picking, ok, _message in results if not ok),
                "line_ids": [
                    fields.Command.create(
                        {"picking_id": picking.id, "success": ok, "message": message}
                    )
                    for picking, ok, message in results
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Send to Courier"),
        }

    def action_print_labels(self):
        return self.line_ids.filtered(
            "success"
        ).picking_id.action_fulfilment_print_labels()


class FulfilmentCourierSendResultLine(models.TransientModel):
    _name = "fulfilment.courier.send.result.line"
    _description = "Send to Courier: Result of One Delivery"

    result_id = fields.Many2one("fulfilment.courier.send.result", ondelete="cascade")
    picking_id = fields.Many2one("stock.picking", readonly=True)
    order_id = fields.Many2one(related="picking_id.sale_id")
    carrier_tracking_ref = fields.Char(related="picking_id.carrier_tracking_ref")
    success = fields.Boolean(readonly=True)
    message = fields.Char(readonly=True)

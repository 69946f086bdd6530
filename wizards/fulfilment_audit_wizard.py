from datetime import datetime, time

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FulfilmentAuditWizard(models.TransientModel):
    _name = "fulfilment.audit.wizard"
    _description = "Find the Orders a User Touched"

    user_id = fields.Many2one("res.users", required=True)
    date_from = fields.Date(string="From", required=True, default=fields.Date.today)
    date_to = fields.Date(string="To", required=True, default=fields.Date.today)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise UserError(_("The start of the period must come before its end."))

    def _get_order_ids(self):
        """Orders with a chatter entry (tracked change, note, message) by the user."""
        self.ensure_one()
        start = datetime.combine(self.date_from, time.min)
        end = datetime.combine(self.date_to, time.max)
        self.env["mail.message"].flush_model(["model", "res_id", "author_id", "date"])
        self.env.cr.execute(
            """
            SELECT DISTINCT res_id
              FROM mail_message
             WHERE model = 'sale.order'
               AND author_id = %s
               AND date BETWEEN %s AND %s
            """,
            [self.user_id.partner_id.id, start, end],
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def action_view_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action.update(
            {
                "name": _(
                    "Orders touched by %(user)s from %(start)s to %(end)s",
                    user=self.user_id.name,
                    start=self.date_from,
                    end=self.date_to,
                ),
                "domain": [("id", "in", self._get_order_ids())],
                "context": {"create": False},
            }
        )
        return action

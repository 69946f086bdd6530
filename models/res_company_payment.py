"""Company settings of the payment side: who follows overdue orders, who hears
of new orders."""

from odoo import _, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # Overdue orders
    fulfilment_overdue_user_id = fields.Many2one(
        "res.users",
        string="Overdue Orders Responsible",
        domain="[('share', '=', False), ('company_ids', 'in', id)]",
        help="Gets the follow-up activity of overdue orders that have no "
        "salesperson, and the daily digest of the orders that became overdue.",
    )
    fulfilment_overdue_team_id = fields.Many2one(
        "crm.team",
        string="Overdue Orders Team",
        help="Its members get the daily digest of the orders that became overdue; "
        "its leader the follow-up activity when the order has no salesperson and "
        "no responsible is set.",
    )

    # New-order alerts
    fulfilment_order_alert_partner_ids = fields.Many2many(
        "res.partner",
        "res_company_fulfilment_order_alert_rel",
        "company_id",
        "partner_id",
        string="New-Order Alert Recipients",
        help="Told by e-mail of every order placed, in the shop or in the backend, "
        "paid or not.",
    )
    fulfilment_order_alert_sms = fields.Boolean(
        string="Also by SMS",
        help="Send the new-order alert by SMS too, to the recipients' mobile number.",
    )

    def _fulfilment_overdue_digest_partners(self):
        """Who receives the company's digest of overdue orders."""
        self.ensure_one()
        team = self.fulfilment_overdue_team_id
        users = self.fulfilment_overdue_user_id | team.user_id | team.member_ids
        return users.partner_id.filtered("email")

    def _fulfilment_send_overdue_digest(self, reported):
        """E-mail the digest of the orders that became overdue.

        :param reported: {"payment": orders, "delivery": orders}
        """
        self.ensure_one()
        partners = self._fulfilment_overdue_digest_partners()
        lang = self.partner_id.lang or self.env.lang
        company = self.with_context(lang=lang)
        sections = [
            (_("Payment overdue"), "payment_deadline", reported.get("payment")),
            (_("Delivery overdue"), "delivery_deadline", reported.get("delivery")),
        ]
        count = sum(len(orders) for _label, _field, orders in sections if orders)
        body = (
            self.env["ir.qweb"]
            .with_context(lang=lang)
            ._render(
                "order_fulfilment.mail_body_overdue_digest",
                {
                    "company": company,
                    "sections": [section for section in sections if section[2]],
                    "format_datetime": lambda value: (
                        fields.Datetime.context_timestamp(company, value).strftime(
                            "%Y-%m-%d %H:%M"
                        )
                        if value
                        else ""
                    ),
                },
            )
        )
        self.env["mail.mail"].sudo().create(
            {
                "subject": _(
                    "%(company)s: %(count)s order(s) became overdue",
                    company=self.name,
                    count=count,
                ),
                "body_html": body,
                "email_from": self.email_formatted
                or self.env.user.email_formatted
                or self.env.ref("base.partner_root").email_formatted,
                "recipient_ids": [fields.Command.set(partners.ids)],
                "auto_delete": True,
            }
        )

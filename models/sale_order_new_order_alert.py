"""New-order alerts: the shop hears of every order placed, once."""

from odoo import _, fields, models
from odoo.tools import format_amount


class SaleOrder(models.Model):
    _inherit = "sale.order"

    fulfilment_placed_date = fields.Datetime(
        string="Placed On",
        copy=False,
        readonly=True,
        help="When the order was placed: confirmed, or checked out in the shop with "
        "an offline payment (bank transfer) pending. The shop is alerted then, "
        "once: confirming the order again later alerts nobody.",
    )

    def action_confirm(self):
        result = super().action_confirm()
        self._fulfilment_order_placed()
        return result

    def _fulfilment_order_placed(self):
        """The customer placed the orders: date them and alert the shop, once."""
        orders = self.filtered(lambda order: not order.fulfilment_placed_date)
        if not orders:
            return
        orders.write({"fulfilment_placed_date": fields.Datetime.now()})
        orders._fulfilment_send_new_order_alert()

    def _fulfilment_send_new_order_alert(self):
        """E-mail (and optionally SMS) the company's new-order recipients."""
        template = self.env.ref(
            "order_fulfilment.mail_template_new_order_alert", raise_if_not_found=False
        )
        for company, orders in self.grouped("company_id").items():
            recipients = company.sudo().fulfilment_order_alert_partner_ids
            if not recipients:
                continue
            by_mail = recipients.filtered("email")
            if template and by_mail:
                for order in orders:
                    template.sudo().send_mail(
                        order.id,
                        email_values={
                            "recipient_ids": [fields.Command.set(by_mail.ids)]
                        },
                    )
            by_sms = recipients.filtered(
                lambda partner: partner.mobile or partner.phone
            )
            if company.fulfilment_order_alert_sms and by_sms:
                for order in orders.sudo():
                    order._message_sms(
                        order._fulfilment_new_order_sms_body(),
                        partner_ids=by_sms.ids,
                        put_in_queue=True,
                    )
                cron = self.env.ref(
                    "sms.ir_cron_sms_scheduler_action", raise_if_not_found=False
                )
                if cron:
                    cron.sudo()._trigger()

    def _fulfilment_new_order_sms_body(self):
        self.ensure_one()
        return _(
            "New order %(order)s: %(amount)s, %(customer)s (%(method)s).",
            order=self.name,
            amount=format_amount(self.env, self.amount_total, self.currency_id),
            customer=self.partner_id.name,
            method=self.fulfilment_payment_method_id.name or _("payment to agree"),
        )

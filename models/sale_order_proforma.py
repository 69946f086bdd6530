"""Bank order against a pro-forma invoice: the pro-forma is e-mailed at checkout."""

from odoo import SUPERUSER_ID, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _fulfilment_send_proforma(self):
        """E-mail the customer the pro-forma invoice (Odoo's own report) of the
        orders, to pay by bank order; queued, not sent during the checkout."""
        template = self.env.ref(
            "order_fulfilment.mail_template_sale_proforma", raise_if_not_found=False
        )
        if not template:
            return
        orders = self.with_user(SUPERUSER_ID) if self.env.su else self
        for order in orders:
            order._portal_ensure_token()
            order.with_context(proforma=True).message_post_with_source(
                template,
                email_layout_xmlid="mail.mail_notification_layout_with_responsible_signature",
                subtype_xmlid="mail.mt_comment",
            )

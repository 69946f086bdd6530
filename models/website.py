from odoo import models
from odoo.http import request

from .ir_http import SESSION_KEY


class Website(models.Model):
    _inherit = "website"

    def sale_get_order(self, force_create=False):
        """Attach the visitor's touches to the cart as soon as it exists."""
        order = super().sale_get_order(force_create=force_create)
        if order and request and order.state == "draft" and not self.env.cr.readonly:
            touches = request.session.get(SESSION_KEY)
            if touches:
                order.sudo()._fulfilment_add_touches(touches)
            elif not order.sudo().referrer_ids:
                # Only visits from outside are kept in the session (a plain
                # page view creates none): a cart of a visitor who never came
                # from elsewhere is a direct one.
                order.sudo()._fulfilment_add_touches(
                    [self.env["ir.http"]._fulfilment_make_touch()]
                )
        return order

    def _display_partner_b2b_fields(self):
        # Company customers are asked their company data at checkout (person or
        # company, CUI, trade register number): the shop always shows them.
        return True

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request


class OrderAgainPortal(http.Controller):
    """*Order Again* on the customer's order page: the order's products go
    into the shop cart at today's prices, for the customer to check out."""

    @http.route(
        "/my/orders/<int:order_id>/order_again",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_order_again(self, order_id, **post):
        order = request.env["sale.order"].browse(order_id).exists()
        # Only the customer's own orders: a share link (access token) is not
        # enough to fill a cart with someone else's order.
        if not order or not order.has_access("read"):
            raise request.not_found()
        order_sudo = order.sudo()
        customer = request.env.user.partner_id.commercial_partner_id
        if order_sudo.partner_id.commercial_partner_id != customer:
            raise request.not_found()
        cart = request.website.sale_get_order(force_create=True)
        unavailable = []
        for line in order_sudo.order_line:
            if line.display_type or not order_sudo._fulfilment_prepare_order_again_line(
                line
            ):
                continue
            try:
                cart._cart_update(
                    product_id=line.product_id.id, add_qty=line.product_uom_qty
                )
            except UserError:
                unavailable.append(line.product_id.display_name)
        if unavailable:
            cart.shop_warning = _(
                "No longer available, not added: %s", ", ".join(unavailable)
            )
        request.session["website_sale_cart_quantity"] = cart.cart_quantity
        return request.redirect("/shop/cart")

import re

from odoo import http
from odoo.http import request

# Tokens are ``secrets.token_urlsafe`` strings: anything else (a NUL byte, a
# megabyte of text) is unknown without asking the database.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,128}")


class FulfilmentWarrantyVerification(http.Controller):
    @http.route(
        ["/warranty/verify/<string:token>"],
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def warranty_verify(self, token, **kwargs):
        """Public page the certificate's QR code opens: whether the certificate
        is valid, expired, void or unknown. It shows what the printed
        certificate shows about the unit, never the customer's details."""
        warranty = (
            request.env["fulfilment.warranty"]
            .sudo()
            .search([("verification_token", "=", token)], limit=1)
            if token and TOKEN_PATTERN.fullmatch(token)
            else request.env["fulfilment.warranty"]
        )
        values = {
            "warranty": warranty,
            "status": warranty._get_effective_state() if warranty else "unknown",
        }
        response = request.render(
            "order_fulfilment.warranty_verification_page",
            values,
            status=200 if warranty else 404,
        )
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        response.headers["Cache-Control"] = "no-store"
        return response

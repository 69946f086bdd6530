from odoo import _, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

# Longest problem description accepted from the portal.
MAX_DESCRIPTION_LENGTH = 5000


class FulfilmentWarrantyPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        partner = request.env.user.partner_id
        if "warranty_count" in counters:
            Warranty = request.env["fulfilment.warranty"]
            values["warranty_count"] = (
                Warranty.search_count(self._prepare_warranty_domain(partner))
                if Warranty.has_access("read")
                else 0
            )
        if "warranty_claim_count" in counters:
            Claim = request.env["fulfilment.warranty.claim"]
            values["warranty_claim_count"] = (
                Claim.search_count(self._prepare_warranty_domain(partner))
                if Claim.has_access("read")
                else 0
            )
        return values

    def _prepare_warranty_domain(self, partner):
        return [("partner_id", "child_of", [partner.commercial_partner_id.id])]

    # ------------------------------------------------------------
    # Lists
    # ------------------------------------------------------------

    @http.route(
        ["/my/warranty", "/my/warranty/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_warranty(self, page=1, **kwargs):
        """The customer's certificates (paged) and service claims."""
        Warranty = request.env["fulfilment.warranty"]
        Claim = request.env["fulfilment.warranty.claim"]
        domain = self._prepare_warranty_domain(request.env.user.partner_id)
        values = self._prepare_portal_layout_values()
        pager = portal_pager(
            url="/my/warranty",
            total=Warranty.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        warranties = Warranty.search(
            domain,
            order="date_start desc, id desc",
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        claims = Claim.search(domain, order="date_received desc, id desc")
        request.session["my_warranty_history"] = warranties.ids[:100]
        request.session["my_warranty_claim_history"] = claims.ids[:100]
        values.update(
            {
                "warranties": warranties.sudo(),
                "claims": claims.sudo(),
                "page_name": "warranty",
                "pager": pager,
                "default_url": "/my/warranty",
            }
        )
        return request.render("order_fulfilment.portal_my_warranty", values)

    # ------------------------------------------------------------
    # One certificate: page and PDF
    # ------------------------------------------------------------

    @http.route(
        ["/my/warranty/certificate/<int:warranty_id>"],
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_warranty_certificate(
        self, warranty_id, access_token=None, report_type=None, download=False, **kw
    ):
        try:
            warranty_sudo = self._document_check_access(
                "fulfilment.warranty", warranty_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.not_found()
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=warranty_sudo,
                report_type=report_type,
                report_ref=warranty_sudo._portal_report,
                download=download,
            )
        values = {
            "warranty": warranty_sudo,
            "page_name": "warranty_certificate",
            "can_claim": warranty_sudo._is_valid(),
        }
        values = self._get_page_view_values(
            warranty_sudo, access_token, values, "my_warranty_history", False
        )
        return request.render("order_fulfilment.portal_my_warranty_certificate", values)

    # ------------------------------------------------------------
    # Open a claim from a valid certificate
    # ------------------------------------------------------------

    @http.route(
        ["/my/warranty/certificate/<int:warranty_id>/claim"],
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_warranty_claim_new(self, warranty_id, access_token=None, **post):
        try:
            warranty_sudo = self._document_check_access(
                "fulfilment.warranty", warranty_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.not_found()
        error = warranty_sudo._get_invalid_reason()
        if request.httprequest.method == "POST" and not error:
            try:
                claim_sudo = self._create_portal_claim(warranty_sudo, post)
            except (UserError, ValidationError) as exc:
                error = exc.args[0]
            else:
                return request.redirect(
                    claim_sudo._get_portal_redirect_url(access_token)
                )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "warranty": warranty_sudo,
                "access_token": access_token,
                "error": error,
                "post": post,
                "page_name": "warranty_claim_new",
            }
        )
        return request.render("order_fulfilment.portal_warranty_claim_new", values)

    def _create_portal_claim(self, warranty_sudo, post):
        """Create the claim the customer described; raise a UserError (and
        create nothing) when the request is not valid."""
        description = (post.get("description") or "").strip()
        if not description:
            raise UserError(_("Describe the problem with the product."))
        if len(description) > MAX_DESCRIPTION_LENGTH:
            raise UserError(
                _(
                    "The description is too long (%(max)s characters at most).",
                    max=MAX_DESCRIPTION_LENGTH,
                )
            )
        reason = warranty_sudo._get_invalid_reason()
        if reason:
            raise UserError(reason)
        user = request.env.user
        author = user.partner_id if not user._is_public() else warranty_sudo.partner_id
        with request.env.cr.savepoint():
            claim_sudo = (
                request.env["fulfilment.warranty.claim"]
                .sudo()
                .create(
                    {
                        "warranty_id": warranty_sudo.id,
                        "description": description,
                        "user_id": False,
                    }
                )
            )
        claim_sudo.message_post(
            body=_("Service claim opened by the customer in the portal."),
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return claim_sudo

    # ------------------------------------------------------------
    # One claim
    # ------------------------------------------------------------

    @http.route(
        ["/my/warranty/claim/<int:claim_id>"],
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_warranty_claim(self, claim_id, access_token=None, **kw):
        try:
            claim_sudo = self._document_check_access(
                "fulfilment.warranty.claim", claim_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.not_found()
        values = {"claim": claim_sudo, "page_name": "warranty_claim"}
        values = self._get_page_view_values(
            claim_sudo, access_token, values, "my_warranty_claim_history", False
        )
        return request.render("order_fulfilment.portal_my_warranty_claim", values)

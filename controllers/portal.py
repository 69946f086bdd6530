import math
import os

from odoo import Command, _, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import float_compare

from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.sale.controllers.portal import CustomerPortal

from ..models.fulfilment_rma import RMA_REASONS, RMA_RESOLUTIONS

# Photos above this size are refused rather than stored.
MAX_PHOTO_SIZE = 10 * 1024 * 1024


class ReturnRequestInputError(UserError):
    """A return request the form could not have sent (a quantity that is not a
    finite number): answered 400, with the form and the message."""


def read_limited_upload(upload, limit):
    """The bytes of an uploaded file, refused before being read whole when
    larger than ``limit``.

    :raise UserError: when the file is larger than ``limit``
    """
    stream = upload.stream
    if stream.seekable():
        size = stream.seek(0, os.SEEK_END)
        stream.seek(0)
        if size > limit:
            raise UserError(_("The photo is too large (10 MB at most)."))
    # One byte more than allowed tells a file too large from one just right
    # when the size could not be known beforehand.
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UserError(_("The photo is too large (10 MB at most)."))
    return data


def parse_return_quantity(value):
    """A quantity typed in the return form: a finite number, 0 when empty.

    :raise ReturnRequestInputError: for anything else (text, nan, inf, 1e309)
    """
    try:
        quantity = float(value or 0)
    except ValueError:
        quantity = math.nan
    if not math.isfinite(quantity):
        raise ReturnRequestInputError(_("Quantities must be numbers."))
    return quantity


class FulfilmentRmaPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "rma_count" in counters:
            Rma = request.env["fulfilment.rma"]
            values["rma_count"] = (
                Rma.search_count(self._prepare_rma_domain(request.env.user.partner_id))
                if Rma.has_access("read")
                else 0
            )
        return values

    def _prepare_rma_domain(self, partner):
        return [("partner_id", "child_of", [partner.commercial_partner_id.id])]

    def _get_rma_searchbar_sortings(self):
        return {
            "date": {"label": _("Newest"), "order": "date_requested desc, id desc"},
            "name": {"label": _("Number"), "order": "name desc"},
            "state": {"label": _("Status"), "order": "state, id desc"},
        }

    @http.route(
        ["/my/returns", "/my/returns/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_returns(self, page=1, sortby=None, **kwargs):
        Rma = request.env["fulfilment.rma"]
        values = self._prepare_portal_layout_values()
        searchbar_sortings = self._get_rma_searchbar_sortings()
        if sortby not in searchbar_sortings:
            sortby = "date"
        domain = self._prepare_rma_domain(request.env.user.partner_id)
        pager = portal_pager(
            url="/my/returns",
            url_args={"sortby": sortby},
            total=Rma.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        rmas = Rma.search(
            domain,
            order=searchbar_sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        request.session["my_returns_history"] = rmas.ids[:100]
        values.update(
            {
                "rmas": rmas.sudo(),
                "page_name": "rma",
                "pager": pager,
                "default_url": "/my/returns",
                "searchbar_sortings": searchbar_sortings,
                "sortby": sortby,
            }
        )
        return request.render("order_fulfilment.portal_my_returns", values)

    @http.route(["/my/returns/<int:rma_id>"], type="http", auth="public", website=True)
    def portal_my_return(
        self, rma_id, access_token=None, report_type=None, download=False, **kwargs
    ):
        try:
            rma_sudo = self._document_check_access(
                "fulfilment.rma", rma_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=rma_sudo,
                report_type=report_type,
                report_ref=rma_sudo._portal_report,
                download=download,
            )
        values = {
            "rma": rma_sudo,
            "page_name": "rma",
            "report_type": "html",
            "res_company": rma_sudo.company_id,
            "documents": self._get_rma_portal_documents(rma_sudo, access_token),
        }
        values = self._get_page_view_values(
            rma_sudo, access_token, values, "my_returns_history", False
        )
        return request.render("order_fulfilment.portal_my_return", values)

    def _get_rma_portal_documents(self, rma_sudo, access_token):
        """Credit notes and invoices of the return the customer may open."""
        moves = rma_sudo.move_ids.filtered(lambda m: m.state == "posted")
        return [
            {
                "name": move.name,
                "type": move.type_name,
                "date": move.invoice_date,
                "amount": move.amount_total,
                "currency": move.currency_id,
                "url": move.get_portal_url(),
            }
            for move in moves
        ]

    # ------------------------------------------------------------
    # Request a return from a delivered order
    # ------------------------------------------------------------

    @http.route(
        ["/my/orders/<int:order_id>/return"],
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_order_request_return(self, order_id, access_token=None, **post):
        try:
            order_sudo = self._document_check_access(
                "sale.order", order_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        lines = order_sudo._fulfilment_get_returnable_lines()
        if order_sudo.state != "sale" or not lines:
            return request.redirect(order_sudo.get_portal_url())
        error = None
        status = 200
        if request.httprequest.method == "POST":
            try:
                rma_sudo = self._create_portal_rma(order_sudo, lines, post)
            except UserError as exc:
                error = exc.args[0]
                if isinstance(exc, ReturnRequestInputError):
                    status = 400
            else:
                return request.redirect(rma_sudo._get_portal_redirect_url(access_token))
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "sale_order": order_sudo,
                "lines": lines,
                "access_token": access_token,
                "reasons": RMA_REASONS,
                "resolutions": RMA_RESOLUTIONS,
                "error": error,
                "post": post,
                "page_name": "rma_request",
            }
        )
        return request.render(
            "order_fulfilment.portal_rma_request", values, status=status
        )

    def _create_portal_rma(self, order_sudo, lines, post):
        """Create and submit the return the customer asked for; raise a
        UserError (and create nothing) when the request is not valid."""
        line_vals = []
        for sale_line in lines:
            quantity = parse_return_quantity(post.get(f"quantity_{sale_line.id}"))
            if (
                float_compare(
                    quantity, 0.0, precision_rounding=sale_line.product_uom.rounding
                )
                > 0
            ):
                vals = {"sale_line_id": sale_line.id, "quantity": quantity}
                # Per item; left empty, the item takes the return's own.
                for name in ("reason", "requested_resolution"):
                    if post.get(f"{name}_{sale_line.id}"):
                        vals[name] = post[f"{name}_{sale_line.id}"]
                line_vals.append(vals)
        if not line_vals:
            raise UserError(_("Enter the quantity of at least one item to return."))
        reason = post.get("reason")
        if reason not in dict(RMA_REASONS):
            raise UserError(_("Choose the reason of the return."))
        resolution = post.get("requested_resolution")
        if resolution not in dict(RMA_RESOLUTIONS):
            raise UserError(_("Choose what you would like us to do."))
        for vals in line_vals:
            if vals.get("reason", reason) not in dict(RMA_REASONS):
                raise UserError(_("Choose the reason of each item from the list."))
            if vals.get("requested_resolution", resolution) not in dict(
                RMA_RESOLUTIONS
            ):
                raise UserError(_("Choose what you would like us to do from the list."))
        photo = request.httprequest.files.get("photo")
        photo_data = (
            read_limited_upload(photo, MAX_PHOTO_SIZE)
            if photo and photo.filename
            else b""
        )
        if photo_data and not (photo.mimetype or "").startswith("image/"):
            raise UserError(_("The attached file must be an image."))
        partner = (
            request.env.user.partner_id
            if not request.env.user._is_public()
            else order_sudo.partner_id
        )
        Rma = request.env["fulfilment.rma"].sudo()
        with request.env.cr.savepoint():
            rma_sudo = Rma.create(
                {
                    "order_id": order_sudo.id,
                    "partner_id": order_sudo.partner_id.id,
                    "company_id": order_sudo.company_id.id,
                    "user_id": order_sudo.user_id.id,
                    "reason": reason,
                    "description": (post.get("description") or "").strip(),
                    "requested_resolution": resolution,
                    "line_ids": [Command.create(vals) for vals in line_vals],
                }
            )
            rma_sudo.action_request()
        attachments = request.env["ir.attachment"]
        if photo_data:
            attachments = attachments.sudo().create(
                {
                    "name": photo.filename,
                    "raw": photo_data,
                    "res_model": "fulfilment.rma",
                    "res_id": rma_sudo.id,
                }
            )
        rma_sudo.message_post(
            body=_("Return requested by the customer in the portal."),
            author_id=partner.id,
            attachment_ids=attachments.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return rma_sudo

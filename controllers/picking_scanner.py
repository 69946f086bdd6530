import base64

from odoo import http
from odoo.http import request


class PickingScannerController(http.Controller):
    """Documents of the picking screen, for users who may read the delivery.

    Pickers may not read customers nor attachments: once the access to the
    delivery itself is checked, the documents are produced as superuser.
    """

    def _readable_picking(self, picking_id):
        picking = request.env["stock.picking"].browse(picking_id).exists()
        if not picking:
            raise request.not_found()
        picking.check_access("read")
        return picking

    def _pdf_response(self, pdf, filename):
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", str(len(pdf))),
                (
                    "Content-Disposition",
                    http.content_disposition(filename, disposition_type="inline"),
                ),
            ],
        )

    @http.route(
        "/fulfilment/picking/<int:picking_id>/delivery_slip", type="http", auth="user"
    )
    def picking_delivery_slip(self, picking_id):
        """The slip of a picking the user may read (pickers included): the
        80 mm packing slip or the A4 delivery slip, as its company chose."""
        picking = self._readable_picking(picking_id)
        report = picking.sudo()._fulfilment_delivery_slip_report()
        pdf, _report_type = (
            request.env["ir.actions.report"]
            .sudo()
            ._render_qweb_pdf(report, picking.ids)
        )
        return self._pdf_response(pdf, f"{picking.name.replace('/', '_')}.pdf")

    @http.route("/fulfilment/picking/<int:picking_id>/label", type="http", auth="user")
    def picking_courier_label(self, picking_id):
        """The courier label (AWB) of a delivery the user may read; 404 when the
        delivery has no label yet."""
        label = self._readable_picking(picking_id).sudo().fulfilment_label_id
        if not label:
            raise request.not_found()
        return self._pdf_response(base64.b64decode(label.datas), label.name)

    @http.route("/fulfilment/batch/<int:batch_id>/pick_list", type="http", auth="user")
    def batch_pick_list(self, batch_id):
        """The pick list of a batch the user may read (pickers included), A4
        or 80 mm as its company chose."""
        batch = request.env["stock.picking.batch"].browse(batch_id).exists()
        if not batch:
            raise request.not_found()
        batch.check_access("read")
        report = batch.sudo()._fulfilment_pick_list_report()
        pdf, _report_type = (
            request.env["ir.actions.report"].sudo()._render_qweb_pdf(report, batch.ids)
        )
        return self._pdf_response(pdf, f"{batch.name.replace('/', '_')}.pdf")

from odoo import http
from odoo.http import request


class PickingScannerController(http.Controller):
    @http.route(
        "/fulfilment/picking/<int:picking_id>/delivery_slip", type="http", auth="user"
    )
    def picking_delivery_slip(self, picking_id):
        """The delivery slip of a picking the user may read (pickers included).

        Pickers may not read the customer, so the slip is rendered as superuser
        once the access to the picking itself has been checked.
        """
        picking = request.env["stock.picking"].browse(picking_id).exists()
        if not picking:
            raise request.not_found()
        picking.check_access("read")
        pdf, _report_type = (
            request.env["ir.actions.report"]
            .sudo()
            ._render_qweb_pdf("stock.action_report_delivery", picking.ids)
        )
        filename = f"{picking.name.replace('/', '_')}.pdf"
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

from odoo import _, models
from odoo.tools.pdf import merge_pdf

# Reports whose records are rendered one by one and merged: the unpatched
# wkhtmltopdf of Linux distributions cannot lay out several of them in one run.
ONE_RECORD_PER_RUN_REPORTS = ("order_fulfilment.report_fulfilment_warranty_document",)


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        report = self._get_report(report_ref)
        if (
            report.report_name in ONE_RECORD_PER_RUN_REPORTS
            and res_ids
            and not isinstance(res_ids, int)
            and len(res_ids) > 1
        ):
            parts = [
                super(IrActionsReport, self)._render_qweb_pdf(
                    report_ref, res_ids=[res_id], data=data
                )
                for res_id in res_ids
            ]
            if all(report_type == "pdf" for _content, report_type in parts):
                result = merge_pdf([content for content, _type in parts]), "pdf"
            else:
                # Test databases render HTML, which has no page to merge.
                result = super()._render_qweb_pdf(
                    report_ref, res_ids=res_ids, data=data
                )
        else:
            result = super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        if res_ids:
            orders = self._fulfilment_get_orders(report.model, res_ids)
            for order in orders:
                order._message_log(body=_("Document printed: %s", report.name))
        return result

    def _fulfilment_get_orders(self, model, res_ids):
        """The sale orders a printed document belongs to, for the audit trail."""
        if isinstance(res_ids, int):
            res_ids = [res_ids]
        records = (
            self.env[model].browse(res_ids).exists() if model in self.env else None
        )
        if not records:
            return self.env["sale.order"]
        if model == "sale.order":
            return records
        if model == "stock.picking":
            return records.sale_id
        if model == "account.move":
            return records.line_ids.sale_line_ids.order_id
        if model == "fulfilment.warranty":
            return records.order_id
        return self.env["sale.order"]

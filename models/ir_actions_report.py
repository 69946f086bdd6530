from odoo import _, models


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        result = super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        if res_ids:
            report = self._get_report(report_ref)
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
        return self.env["sale.order"]

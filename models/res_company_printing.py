"""Which documents each company prints on 80 mm receipt rolls."""

from odoo import fields, models

# Document kinds that have an A4 and an 80 mm version, with their reports.
PRINT_DOCUMENTS = {
    "order": (
        "sale.action_report_saleorder",
        "order_fulfilment.action_report_fulfilment_order_receipt",
    ),
    "delivery_slip": (
        "stock.action_report_delivery",
        "order_fulfilment.action_report_fulfilment_packing_slip",
    ),
    "invoice": (
        "account.account_invoices",
        "order_fulfilment.action_report_fulfilment_invoice_receipt",
    ),
    "pick_list": (
        "stock.action_report_picking",
        "order_fulfilment.action_report_fulfilment_pick_list_thermal",
    ),
    "return": (
        "order_fulfilment.report_fulfilment_rma",
        "order_fulfilment.action_report_fulfilment_rma_thermal",
    ),
}


class ResCompany(models.Model):
    _inherit = "res.company"

    fulfilment_thermal_order = fields.Boolean(
        string="Order Receipts on 80 mm",
        help="Orders print as 80 mm receipts by default instead of A4.",
    )
    fulfilment_thermal_delivery_slip = fields.Boolean(
        string="Packing Slips on 80 mm",
        help="Deliveries print an 80 mm packing slip by default (also from the "
        "picking screen) instead of the A4 delivery slip.",
    )
    fulfilment_thermal_invoice = fields.Boolean(
        string="Invoice Receipts on 80 mm",
        help="Invoices print as 80 mm receipts by default instead of A4.",
    )
    fulfilment_thermal_pick_list = fields.Boolean(
        string="Pick Lists on 80 mm",
        help="Pick lists print on 80 mm by default instead of A4.",
    )
    fulfilment_thermal_return = fields.Boolean(
        string="Return Labels on 80 mm",
        help="Returns print an 80 mm label and receipt by default instead of the "
        "A4 return document.",
    )

    def _fulfilment_print_report(self, document):
        """The report that prints ``document`` (a key of PRINT_DOCUMENTS) for
        this company: its 80 mm version when the company chose it."""
        self.ensure_one()
        a4_report, thermal_report = PRINT_DOCUMENTS[document]
        thermal = self[f"fulfilment_thermal_{document}"]
        return self.env.ref(thermal_report if thermal else a4_report)

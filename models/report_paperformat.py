from odoo import fields, models


class ReportPaperformat(models.Model):
    _inherit = "report.paperformat"

    fulfilment_length_to_content = fields.Boolean(
        string="Length to Content",
        help="For roll printers (receipts): each page ends just below what it "
        "prints, with the bottom margin below the last line; the page height "
        "is then the longest a page may be.",
    )

"""What the numbered documents customers open in their portal share.

Returns, warranty certificates and service claims: a number from the
sequence named after the model, taken in the document's company; a page
under ``/my/...``; a PDF named after the document's type and number; a
status label in the customer's language.
"""

from odoo import _, api, fields, models


class FulfilmentPortalDocument(models.AbstractModel):
    _name = "fulfilment.portal.document"
    _description = "Numbered Portal Document"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]

    # Set by each document model.
    _portal_path = None  # its portal page is <_portal_path>/<id>
    _portal_report = None  # XML id of its PDF report, if it has one
    _portal_type_name = None  # lazy translated type, the PDF file's first word

    name = fields.Char(
        string="Number",
        required=True,
        copy=False,
        readonly=True,
        index="trigram",
        default=lambda self: _("New"),
    )

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for document in self:
            document.access_url = f"{self._portal_path}/{document.id}"
        return result

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].with_company(
                    self._get_sequence_company(vals)
                ).next_by_code(self._name) or _("New")
        return super().create(vals_list)

    @api.model
    def _get_sequence_company(self, vals):
        """The company whose sequence numbers the document created from
        ``vals`` (hook)."""
        company = self.env["res.company"].browse(vals.get("company_id"))
        return company or self.env.company

    def _get_report_base_filename(self):
        self.ensure_one()
        type_name = self.env._(self._portal_type_name)
        return f"{type_name} {self.name}".replace("/", "-")

    def _get_portal_state_label(self):
        """The document's state as the customer reads it."""
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _get_portal_redirect_url(self, access_token=None):
        """Where to send a visitor after they created the document: the page
        with the document's own token when they came with a token (no
        login), the plain page otherwise."""
        self.ensure_one()
        return self.get_portal_url() if access_token else self.access_url

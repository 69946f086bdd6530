"""Printing that always yields one PDF, documents cut to their length, and
the audit of every print.

wkhtmltopdf builds without Odoo's patched Qt (the ones Linux distributions
ship) lay out one HTML document per run: given several (Odoo passes one per
record, an ``article``), they exit with "unknown error" and write nothing,
which Odoo takes for success and then fails to read an empty PDF. They also
ignore ``--header-html``/``--footer-html``. Here such builds render one
record per run, each a complete document with its own page numbering, and
the runs are merged in the selection's order.
"""

import functools
import io
import logging
import subprocess
from collections import OrderedDict

import lxml.html
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject

from odoo import _, api, models
from odoo.exceptions import UserError

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

_logger = logging.getLogger(__name__)

AWB_LABEL_REPORT = "order_fulfilment.report_fulfilment_awb_label"
MM_TO_PT = 72 / 25.4
# Below the last line of text: its descenders, then the paper format's margin.
TEXT_DESCENT_PT = 3 * MM_TO_PT
TEXT_OPERATORS = {b"Tj", b"TJ", b"'", b'"'}
PATH_OPERATORS = {b"m", b"l", b"c", b"v", b"y", b"re"}
FILL_OPERATORS = {b"f", b"F", b"f*"}
PAINT_OPERATORS = FILL_OPERATORS | {b"B", b"B*", b"b", b"b*", b"S", b"s"}


@functools.cache
def wkhtmltopdf_renders_several_documents(binary):
    """Whether ``binary`` lays out several HTML documents in one run: only
    the builds with patched Qt do ("wkhtmltopdf 0.12.6 (with patched qt)")."""
    if not binary:
        return False
    try:
        version = subprocess.run(
            [binary, "--version"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "patched qt" in version.lower()


def merge_pdfs(documents):
    """One PDF made of ``documents`` (PDF bytes), in their order."""
    writer = PdfWriter()
    for document in documents:
        writer.append(PdfReader(io.BytesIO(document)))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _multiply(first, second):
    """Product of two PDF matrices [a b c d e f]."""
    a, b, c, d, e, f = first
    g, h, i, j, k, m = second
    return [
        a * g + b * i,
        a * h + b * j,
        c * g + d * i,
        c * h + d * j,
        e * g + f * i + k,
        e * h + f * j + m,
    ]


def _numbers(operands):
    return [float(operand) for operand in operands if isinstance(operand, int | float)]


def page_content_bottom(page):
    """The lowest point (PDF units from the bottom edge) of what ``page``
    draws: text, images, lines and shapes; white fills (the page's
    background) do not count. None for a blank page."""
    lowest = []
    path = []
    state = {"white_fill": False}
    saved = []

    def y_of(cm, x, y):
        return x * cm[1] + y * cm[3] + cm[5]

    def visit(operator, operands, cm, tm):
        if operator == b"q":
            saved.append(state["white_fill"])
        elif operator == b"Q":
            state["white_fill"] = saved.pop() if saved else False
        elif operator in (b"sc", b"scn", b"rg", b"g"):
            values = _numbers(operands)
            state["white_fill"] = bool(values) and min(values) >= 0.999
        elif operator == b"k":
            state["white_fill"] = max(_numbers(operands) or [1]) <= 0.001
        elif operator in PATH_OPERATORS:
            values = _numbers(operands)
            if operator == b"re":
                x, y, width, height = values
                values = [x, y, x + width, y + height]
            path.extend(
                y_of(cm, values[i], values[i + 1]) for i in range(0, len(values), 2)
            )
        elif operator in PAINT_OPERATORS:
            if path and not (operator in FILL_OPERATORS and state["white_fill"]):
                lowest.append(min(path))
            path.clear()
        elif operator == b"n":
            path.clear()
        elif operator in TEXT_OPERATORS:
            lowest.append(_multiply(tm, cm)[5] - TEXT_DESCENT_PT)
        elif operator == b"Do":
            # An image fills the unit square of the current matrix.
            lowest.append(min(cm[5], cm[1] + cm[5], cm[3] + cm[5]))

    page.extract_text(visitor_operand_before=visit)
    return min(lowest) if lowest else None


def crop_to_content(pdf, bottom_margin_mm, width_mm=None):
    """``pdf`` with each page ending ``bottom_margin_mm`` below its content:
    documents for roll printers (receipts) are as long as what they say.
    ``width_mm`` gives the pages their exact width (Qt rounds page sizes to
    whole points: 80 mm comes out 227 pt wide instead of 226.77)."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    for page in writer.pages:
        left, lower, right, upper = (float(value) for value in page.mediabox)
        if width_mm:
            right = min(right, left + width_mm * MM_TO_PT)
        bottom = page_content_bottom(page)
        if bottom is not None:
            lower = max(lower, bottom - bottom_margin_mm * MM_TO_PT)
        page.mediabox = RectangleObject([left, lower, right, upper])
        page.cropbox = RectangleObject([left, lower, right, upper])
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _keep_only_child(html, container_id, index):
    """``html`` (Odoo's header or footer document, one child per record in
    ``container_id``) keeping the child of record ``index`` only."""
    if not html:
        return html
    root = lxml.html.document_fromstring(html)
    container = root.get_element_by_id(container_id, None)
    if container is None or len(container) <= index:
        return html
    for position, child in reversed(list(enumerate(container))):
        if position != index:
            container.remove(child)
    return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    # ------------------------------------------------------------
    # One PDF whatever the wkhtmltopdf build
    # ------------------------------------------------------------

    @api.model
    def _fulfilment_renders_several_documents(self):
        """Whether this server's wkhtmltopdf renders several records in one run."""
        return wkhtmltopdf_renders_several_documents(_get_wkhtmltopdf_bin())

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        report = self._get_report(report_ref)
        if report.report_name == AWB_LABEL_REPORT:
            return self._fulfilment_awb_label_streams(res_ids)
        if (
            not res_ids
            or len(res_ids) < 2
            or len(set(res_ids)) != len(res_ids)
            or self._fulfilment_renders_several_documents()
        ):
            return super()._render_qweb_pdf_prepare_streams(
                report_ref, data, res_ids=res_ids
            )
        # One run per record: each record keeps its own stream, so that
        # Odoo saves per-record attachments and merges them in this order.
        streams = OrderedDict()
        for res_id in res_ids:
            streams.update(
                super()._render_qweb_pdf_prepare_streams(
                    report_ref, data, res_ids=[res_id]
                )
            )
        return streams

    @api.model
    def _run_wkhtmltopdf(
        self,
        bodies,
        report_ref=False,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        options = {
            "report_ref": report_ref,
            "landscape": landscape,
            "specific_paperformat_args": specific_paperformat_args,
            "set_viewport_size": set_viewport_size,
        }
        pdf = b""
        if len(bodies) < 2 or self._fulfilment_renders_several_documents():
            try:
                pdf = super()._run_wkhtmltopdf(
                    bodies, header=header, footer=footer, **options
                )
            except UserError:
                if len(bodies) < 2:
                    raise
                _logger.warning(
                    "wkhtmltopdf failed on %s documents at once, "
                    "rendering them one by one",
                    len(bodies),
                )
        if not pdf and len(bodies) > 1:
            # Several documents of one record (or the same record twice):
            # one run each, with its own header and footer.
            parts = []
            for index, body in enumerate(bodies):
                parts.append(
                    super()._run_wkhtmltopdf(
                        [body],
                        header=_keep_only_child(
                            header, "minimal_layout_report_headers", index
                        ),
                        footer=_keep_only_child(
                            footer, "minimal_layout_report_footers", index
                        ),
                        **options,
                    )
                )
            pdf = merge_pdfs(parts) if all(parts) else b""
        if not pdf:
            raise UserError(
                _("wkhtmltopdf produced no PDF; its messages are in the server log.")
            )
        paperformat = (
            self._get_report(report_ref).get_paperformat()
            if report_ref
            else self.get_paperformat()
        )
        if paperformat.fulfilment_length_to_content:
            pdf = crop_to_content(
                pdf,
                paperformat.margin_bottom,
                width_mm=paperformat.format == "custom" and paperformat.page_width,
            )
        return pdf

    # ------------------------------------------------------------
    # Courier labels as a report
    # ------------------------------------------------------------

    def _fulfilment_awb_label_streams(self, res_ids):
        """The courier labels of the deliveries, as Odoo keeps them: the
        label PDF attached to each delivery when its AWB was created."""
        pickings = self.env["stock.picking"].browse(res_ids)
        without = pickings.filtered(lambda picking: not picking.fulfilment_label_id)
        if without:
            raise UserError(
                _(
                    "No courier label yet for %(deliveries)s: send them to their "
                    "courier first.",
                    deliveries=", ".join(without.mapped("name")),
                )
            )
        return OrderedDict(
            (
                picking.id,
                {
                    "stream": io.BytesIO(picking.fulfilment_label_id.raw),
                    "attachment": picking.fulfilment_label_id,
                },
            )
            for picking in pickings
        )

    # ------------------------------------------------------------
    # Audit
    # ------------------------------------------------------------

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        result = super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        if res_ids:
            self._fulfilment_log_print(self._get_report(report_ref), res_ids)
        return result

    def _fulfilment_log_print(self, report, res_ids):
        """Note the printed documents in the chatter of their orders."""
        if isinstance(res_ids, int):
            res_ids = [res_ids]
        if report.model not in self.env:
            return
        records = self.env[report.model].browse(res_ids).exists()
        by_order = {}
        for record in records:
            for order in self._fulfilment_get_orders(record):
                by_order.setdefault(order, []).append(record)
        bodies = {}
        for order, printed in by_order.items():
            if printed == [order]:
                bodies[order.id] = _("Document printed: %s", report.name)
            else:
                bodies[order.id] = _(
                    "Document printed: %(document)s (%(records)s)",
                    document=report.name,
                    records=", ".join(record.display_name for record in printed),
                )
        if bodies:
            self.env["sale.order"].browse(bodies)._message_log_batch(bodies=bodies)

    def _fulfilment_get_orders(self, records):
        """The sale orders printed records belong to, for the audit trail."""
        if records._name == "sale.order":
            return records
        if records._name == "stock.picking":
            return records.sale_id
        if records._name == "account.move":
            return records.line_ids.sale_line_ids.order_id
        if records._name in ("fulfilment.warranty", "fulfilment.rma"):
            return records.order_id
        return self.env["sale.order"]

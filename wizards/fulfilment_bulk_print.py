from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.res_company_printing import PRINT_DOCUMENTS

# Above this many documents the print runs in the background (each document
# takes wkhtmltopdf a second or two); the system parameter overrides it.
BACKGROUND_THRESHOLD = 30
BACKGROUND_THRESHOLD_PARAM = "order_fulfilment.bulk_print_background_threshold"


class FulfilmentBulkPrint(models.TransientModel):
    _name = "fulfilment.bulk.print"
    _description = "Print Documents of Orders"

    order_ids = fields.Many2many("sale.order", string="Orders", required=True)
    selected_ids = fields.Json(
        help="The orders' ids in the order they were selected: documents print "
        "in that order."
    )
    document = fields.Selection(
        [
            ("order", "Order / Quotation"),
            ("delivery_slip", "Delivery Slip"),
            ("invoice", "Invoice"),
            ("awb_label", "AWB Label"),
            ("pick_list", "Pick List"),
            ("return", "Return Document"),
        ],
        required=True,
        default="order",
    )
    paper = fields.Selection(
        [("a4", "A4"), ("thermal", "80 mm receipt")],
        compute="_compute_paper",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="Defaults to the company's choice for this document (Settings).",
    )
    document_count = fields.Integer(
        string="Documents", compute="_compute_document_count"
    )
    missing_count = fields.Integer(compute="_compute_document_count")
    background = fields.Boolean(compute="_compute_document_count")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "sale.order":
            active_ids = self.env.context.get("active_ids") or []
            values["order_ids"] = [fields.Command.set(active_ids)]
            values["selected_ids"] = list(active_ids)
        return values

    @api.depends("document")
    def _compute_paper(self):
        for wizard in self:
            thermal = (
                wizard.document in PRINT_DOCUMENTS
                and self.env.company[f"fulfilment_thermal_{wizard.document}"]
            )
            wizard.paper = "thermal" if thermal else "a4"

    @api.depends("order_ids", "document", "paper")
    def _compute_document_count(self):
        threshold = self._get_background_threshold()
        for wizard in self:
            orders = wizard._get_orders()
            records = wizard._get_records(orders)
            wizard.document_count = len(records)
            wizard.missing_count = len(orders - wizard._get_orders_of(records))
            wizard.background = len(records) > threshold

    @api.model
    def _get_background_threshold(self):
        value = (
            self.env["ir.config_parameter"].sudo().get_param(BACKGROUND_THRESHOLD_PARAM)
        )
        return int(value) if value and value.isdigit() else BACKGROUND_THRESHOLD

    # ------------------------------------------------------------
    # What prints
    # ------------------------------------------------------------

    def _get_orders(self):
        """The orders, in the order they were selected."""
        orders = self.order_ids._origin or self.order_ids
        position = {
            order_id: index for index, order_id in enumerate(self.selected_ids or [])
        }
        return orders.sorted(
            lambda order: (position.get(order.id, len(position)), order.id)
        )

    def _get_report(self):
        self.ensure_one()
        if self.document == "awb_label":
            return self.env.ref("order_fulfilment.action_report_fulfilment_awb_label")
        a4_report, thermal_report = PRINT_DOCUMENTS[self.document]
        return self.env.ref(thermal_report if self.paper == "thermal" else a4_report)

    def _get_records(self, orders):
        """The documents to print for ``orders``, order by order."""
        self.ensure_one()
        records = {
            "order": lambda order: order,
            "delivery_slip": lambda order: order.picking_ids.filtered(
                lambda picking: (
                    picking.picking_type_code == "outgoing"
                    and picking.state != "cancel"
                )
            ),
            "pick_list": lambda order: order.picking_ids.filtered(
                lambda picking: (
                    picking.picking_type_code == "outgoing"
                    and picking.state not in ("draft", "done", "cancel")
                )
            ),
            "awb_label": lambda order: order.picking_ids.filtered(
                "fulfilment_label_id"
            ),
            "invoice": lambda order: order.invoice_ids.filtered(
                lambda move: (
                    move.state == "posted"
                    and move.move_type in ("out_invoice", "out_refund")
                )
            ),
            "return": lambda order: order.fulfilment_rma_ids.filtered(
                lambda rma: rma.state not in ("draft", "cancelled")
            ),
        }[self.document]
        model = self._get_report().model
        # A document shared by several orders (an invoice) prints once.
        ids = {}
        for order in orders:
            ids.update(dict.fromkeys(records(order).sorted("id").ids))
        return self.env[model].browse(list(ids))

    def _get_orders_of(self, records):
        return self.env["ir.actions.report"]._fulfilment_get_orders(records)

    # ------------------------------------------------------------
    # Action
    # ------------------------------------------------------------

    def action_print(self):
        """One PDF of the chosen document for every selected order, in the
        selection's order: at once, or in the background above the threshold
        (the PDF is then posted to the user)."""
        self.ensure_one()
        orders = self._get_orders()
        records = self._get_records(orders)
        labels = dict(self._fields["document"]._description_selection(self.env))
        if not records:
            raise UserError(
                _(
                    "None of the selected orders has a document of this kind "
                    "(%(document)s) to print.",
                    document=labels[self.document],
                )
            )
        report = self._get_report()
        if len(records) > self._get_background_threshold():
            job = self.env["fulfilment.print.job"]._queue(
                report,
                records,
                _(
                    "%(document)s of %(count)s orders",
                    document=report.name,
                    count=len(orders),
                ),
            )
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "title": _("Printing in the background"),
                    "message": _(
                        "%(count)s documents are being printed (%(job)s); the PDF "
                        "will be posted to your inbox when it is ready.",
                        count=len(records),
                        job=job.name,
                    ),
                    "sticky": False,
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        action = report.with_context(active_model=records._name).report_action(
            records, config=False
        )
        action["close_on_report_download"] = True
        return action

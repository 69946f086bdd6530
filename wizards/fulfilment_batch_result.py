from odoo import _, api, fields, models
from odoo.models import check_method_name


class FulfilmentBatchResult(models.TransientModel):
    """The outcome of an action run on many records at once (send to courier,
    complete, change status): which records it changed and why it refused
    the others."""

    _name = "fulfilment.batch.result"
    _description = "Result of a Batch Action"

    name = fields.Char(string="Title", readonly=True)
    res_model = fields.Char(string="Model", readonly=True)
    line_ids = fields.One2many(
        "fulfilment.batch.result.line", "result_id", string="Results", readonly=True
    )
    success_count = fields.Integer(compute="_compute_counts")
    refused_count = fields.Integer(compute="_compute_counts")
    success_summary = fields.Char(
        readonly=True, help="Said after the number of records done."
    )
    refused_summary = fields.Char(
        readonly=True, help="Said after the number of records refused."
    )
    # Optional follow-up buttons: a label and the public method of the
    # records' model that the button runs on the records done, or refused.
    success_button = fields.Char(readonly=True)
    success_method = fields.Char(readonly=True)
    refused_button = fields.Char(readonly=True)
    refused_method = fields.Char(readonly=True)

    @api.depends("line_ids.success")
    def _compute_counts(self):
        for result in self:
            done = len(result.line_ids.filtered("success"))
            result.success_count = done
            result.refused_count = len(result.line_ids) - done

    @api.model
    def _open(
        self,
        results,
        title,
        success_summary=None,
        refused_summary=None,
        success_action=None,
        refused_action=None,
    ):
        """Show the outcome of a batch action: one line per record.

        :param results: list of (record, success, message), records of one model
        :param title: the window's title
        :param success_summary: what the records done went through, said after
            their number ("order(s) completed.")
        :param refused_summary: the same for the refused records
        :param success_action: optional (button label, method name): a button
            that calls that public method of the records' model on the records
            done and returns its action
        :param refused_action: the same on the refused records
        :return: the window action
        """
        models_of_results = {record._name for record, _success, _message in results}
        if len(models_of_results) > 1:
            raise ValueError(f"Results of several models: {models_of_results}")
        res_model = models_of_results.pop() if models_of_results else False
        for action in (success_action, refused_action):
            if action and res_model:
                check_method_name(action[1])
                if not callable(getattr(self.env[res_model], action[1], None)):
                    raise ValueError(f"{res_model} has no method {action[1]}")
        result = self.create(
            {
                "name": title,
                "res_model": res_model,
                "success_summary": success_summary or _("record(s) done."),
                "refused_summary": refused_summary
                or _("record(s) refused; the reasons are below."),
                "success_button": success_action and success_action[0],
                "success_method": success_action and success_action[1],
                "refused_button": refused_action and refused_action[0],
                "refused_method": refused_action and refused_action[1],
                "line_ids": [
                    fields.Command.create(
                        {
                            "res_model": record._name,
                            "res_id": record.id,
                            "order_id": self._get_order_of(record).id,
                            "success": bool(success),
                            "message": message,
                        }
                    )
                    for record, success, message in results
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": result.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "name": title,
        }

    @api.model
    def _get_order_of(self, record):
        """The sale order ``record`` is, or belongs to (shown on its line)."""
        if record._name == "sale.order":
            return record
        if "sale_id" in record._fields:
            return record.sale_id
        return self.env["sale.order"]

    def _records(self, success):
        """The records done (``success``) or refused."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: line.success == success)
        return self.env[self.res_model].browse(lines.mapped("res_id")).exists()

    def _run_follow_up(self, method, success):
        self.ensure_one()
        # The same rule as for a call from the browser: public methods only.
        check_method_name(method)
        return getattr(self._records(success), method)()

    def action_success_button(self):
        """Run the follow-up of the records done (e.g. print their labels)."""
        return self._run_follow_up(self.success_method, True)

    def action_refused_button(self):
        """Run the follow-up of the refused records (e.g. open them)."""
        return self._run_follow_up(self.refused_method, False)


class FulfilmentBatchResultLine(models.TransientModel):
    _name = "fulfilment.batch.result.line"
    _description = "Result of a Batch Action for One Record"

    result_id = fields.Many2one(
        "fulfilment.batch.result", required=True, ondelete="cascade"
    )
    res_model = fields.Char(string="Model", readonly=True)
    res_id = fields.Many2oneReference(
        string="Record ID", model_field="res_model", readonly=True
    )
    record_ref = fields.Reference(
        selection="_selection_record_ref",
        string="Document",
        compute="_compute_record_ref",
    )
    order_id = fields.Many2one("sale.order", readonly=True)
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")
    success = fields.Boolean(string="Done", readonly=True)
    message = fields.Text(readonly=True)

    @api.model
    def _selection_record_ref(self):
        return [
            (model.model, model.name)
            for model in self.env["ir.model"].sudo().search([])
        ]

    @api.depends("res_model", "res_id")
    def _compute_record_ref(self):
        for line in self:
            line.record_ref = (
                f"{line.res_model},{line.res_id}"
                if line.res_model and line.res_id
                else False
            )

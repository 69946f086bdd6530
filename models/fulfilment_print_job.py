"""Large prints rendered in the background, in batches, by the scheduler.

A job keeps the records to print in the order they were selected; each run
of the scheduler renders the next batch as the user who asked (their access
rights and language) and keeps it as a part; the last batch merges the parts
into one PDF, which is posted to the user.
"""

import json

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .ir_actions_report import merge_pdfs

PRINT_JOB_BATCH_SIZE = 20


class FulfilmentPrintJob(models.Model):
    _name = "fulfilment.print.job"
    _description = "Background Print"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Requested By",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.user,
    )
    company_ids = fields.Many2many(
        "res.company",
        string="Companies",
        readonly=True,
        default=lambda self: self.env.companies,
        help="The companies the user worked in when asking for the print.",
    )
    report_id = fields.Many2one(
        "ir.actions.report", required=True, readonly=True, ondelete="cascade"
    )
    res_ids = fields.Text(
        string="Records", required=True, readonly=True, help="JSON list, in order."
    )
    record_count = fields.Integer(compute="_compute_record_count")
    done_count = fields.Integer(string="Printed", readonly=True)
    state = fields.Selection(
        [("queued", "Queued"), ("done", "Done"), ("failed", "Failed")],
        default="queued",
        required=True,
        readonly=True,
        index=True,
    )
    error = fields.Text(readonly=True)
    part_ids = fields.Many2many(
        "ir.attachment",
        "fulfilment_print_job_part_rel",
        "job_id",
        "attachment_id",
        string="Rendered Parts",
        readonly=True,
    )
    attachment_id = fields.Many2one("ir.attachment", string="PDF", readonly=True)

    @api.depends("res_ids")
    def _compute_record_count(self):
        for job in self:
            job.record_count = len(job._get_res_ids())

    def _get_res_ids(self):
        self.ensure_one()
        return json.loads(self.res_ids or "[]")

    @api.model
    def _queue(self, report, records, name):
        """A job printing ``records`` (in their order) with ``report``; the
        scheduler starts on it at once."""
        job = self.create(
            {
                "name": name,
                "report_id": report.id,
                "res_ids": json.dumps(records.ids),
            }
        )
        self.env.ref("order_fulfilment.ir_cron_fulfilment_print_jobs")._trigger()
        return job

    # ------------------------------------------------------------
    # Scheduler
    # ------------------------------------------------------------

    @api.model
    def _cron_render(self, batch_size=PRINT_JOB_BATCH_SIZE):
        """Render the next batch of the oldest queued job and report the
        progress; the scheduler calls again while records remain."""
        job = self.search([("state", "=", "queued")], order="id", limit=1)
        if not job:
            return
        done = job._render_next_batch(batch_size)
        remaining = sum(
            queued.record_count - queued.done_count
            for queued in self.search([("state", "=", "queued")])
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    def _render_next_batch(self, batch_size):
        """Render the next ``batch_size`` records; finish the job after the
        last one. Returns how many records this batch handled."""
        self.ensure_one()
        res_ids = self._get_res_ids()
        batch = res_ids[self.done_count : self.done_count + batch_size]
        report = self.env["ir.actions.report"].with_user(self.user_id)
        report = report.with_context(
            lang=self.user_id.lang, allowed_company_ids=self.company_ids.ids
        )
        try:
            with self.env.cr.savepoint():
                records = report.env[self.report_id.model].browse(batch).exists()
                if records:
                    pdf, report_type = report._render_qweb_pdf(
                        self.report_id.report_name, res_ids=records.ids
                    )
                    if report_type != "pdf":
                        raise UserError(_("The report did not produce a PDF."))
                    self._add_part(pdf)
        except Exception as error:  # noqa: BLE001 -- kept on the job, told to the user
            self._fail(error)
            return len(batch)
        self.done_count += len(batch)
        if self.done_count >= len(res_ids):
            self._finish()
        return len(batch)

    def _add_part(self, pdf):
        part = self.env["ir.attachment"].create(
            {
                "name": f"{self.name} ({len(self.part_ids) + 1}).pdf",
                "raw": pdf,
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self.part_ids = [fields.Command.link(part.id)]

    def _finish(self):
        """Merge the parts into one PDF and post it to the user."""
        parts = self.part_ids.sorted("id")
        if not parts:
            self._fail(UserError(_("None of the records to print exists any more.")))
            return
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{self.name}.pdf",
                "raw": merge_pdfs([part.raw for part in parts]),
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self.write(
            {
                "state": "done",
                "attachment_id": attachment.id,
                "part_ids": [fields.Command.clear()],
            }
        )
        parts.unlink()
        self.message_post(
            body=_(
                "Your print is ready: %(name)s, %(count)s documents.",
                name=self.name,
                count=self.record_count,
            ),
            attachment_ids=attachment.ids,
            partner_ids=self.user_id.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self.user_id._bus_send(
            "simple_notification",
            {
                "type": "success",
                "title": _("Print ready"),
                "message": _("%s: the PDF is in your inbox.", self.name),
            },
        )

    def _fail(self, error):
        message = error.args[0] if getattr(error, "args", None) else str(error)
        self.write({"state": "failed", "error": str(message)})
        self.message_post(
            body=_(
                "Printing %(name)s failed: %(error)s", name=self.name, error=message
            ),
            partner_ids=self.user_id.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_download(self):
        self.ensure_one()
        if not self.attachment_id:
            raise UserError(_("This print is not ready yet."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }

    def action_retry(self):
        """Queue a failed print again, from where it stopped."""
        self.filtered(lambda job: job.state == "failed").write(
            {"state": "queued", "error": False}
        )
        self.env.ref("order_fulfilment.ir_cron_fulfilment_print_jobs")._trigger()

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.name

"""Whether the scheduler runs: background work (bulk courier sending, status
notifications) waits for it, and users are warned when it does not."""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import config

SCHEDULER_LATE = timedelta(minutes=10)  # a job waiting longer: no scheduler runs
SCHEDULER_SILENT = timedelta(days=1)  # no job ran for that long: none runs


class IrCron(models.Model):
    _inherit = "ir.cron"

    @api.model
    def _fulfilment_scheduler_problem(self):
        """Why the scheduled jobs may not run soon, or None when they do.

        Jobs asked to run more than a few minutes ago and still waiting mean
        that no scheduler runs (Odoo deletes a trigger once its job ran). A
        server started without cron threads (``max_cron_threads = 0``) runs
        none itself: another one may, unless no job ran for a day.
        """
        now = fields.Datetime.now()
        waiting = (
            self.env["ir.cron.trigger"]
            .sudo()
            .search(
                [("call_at", "<", now - SCHEDULER_LATE), ("cron_id.active", "=", True)],
                order="call_at",
                limit=1,
            )
        )
        if waiting:
            return _(
                "Scheduled jobs have been waiting since %(since)s: no scheduler "
                "seems to run on this database.",
                since=fields.Datetime.to_string(waiting.call_at),
            )
        if not config["max_cron_threads"]:
            ran_lately = self.sudo().search_count(
                [("lastcall", ">=", now - SCHEDULER_SILENT)], limit=1
            )
            if not ran_lately:
                return _(
                    "This server runs no scheduler (max_cron_threads = 0) and no "
                    "scheduled job ran in the last day."
                )
        return None

    @api.model
    def _fulfilment_notify_run(self, user, title, summary, refused):
        """Tell ``user`` what a run of background work did for them: a
        notification titled ``title`` with the ``summary`` and the first
        refusals (sticky, as a warning, when there are some)."""
        user.partner_id._bus_send(
            "simple_notification",
            {
                "type": "warning" if refused else "success",
                "title": title,
                "message": summary
                + ("\n" + "\n".join(refused[:10]) if refused else ""),
                "sticky": bool(refused),
            },
        )

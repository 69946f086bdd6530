"""Tracking runs that cannot reach a courier: the last error is shown on the
carrier, and after a few failures in a row a manager gets an activity."""

from odoo import _, fields, models

TRACKING_FAILURES_ALERT = 3  # failed tracking runs in a row before an activity


class DeliveryCarrier(models.Model):
    _name = "delivery.carrier"
    # Activities (and the chatter they need) for the tracking alerts.
    _inherit = ["delivery.carrier", "mail.thread", "mail.activity.mixin"]

    fulfilment_tracking_error = fields.Text(
        string="Last Tracking Error",
        copy=False,
        readonly=True,
        help="Why the last tracking request to the courier failed; empty once "
        "the courier answers again.",
    )
    fulfilment_tracking_error_date = fields.Datetime(
        string="Tracking Failed On", copy=False, readonly=True
    )
    fulfilment_tracking_failures = fields.Integer(
        string="Tracking Failures in a Row", copy=False, readonly=True
    )

    def _fulfilment_tracking_failed(self, message):
        """A tracking request to this courier failed with ``message``."""
        self.ensure_one()
        carrier = self.sudo()
        failures = carrier.fulfilment_tracking_failures + 1
        carrier.write(
            {
                "fulfilment_tracking_error": message,
                "fulfilment_tracking_error_date": fields.Datetime.now(),
                "fulfilment_tracking_failures": failures,
            }
        )
        if failures >= TRACKING_FAILURES_ALERT:
            carrier._fulfilment_tracking_alert()

    def _fulfilment_tracking_answered(self):
        """The courier answered a tracking request: forget its failures and
        close the alert."""
        failing = self.sudo().filtered("fulfilment_tracking_failures")
        if not failing:
            return
        failing.write(
            {"fulfilment_tracking_error": False, "fulfilment_tracking_failures": 0}
        )
        failing._fulfilment_tracking_alerts().action_feedback(
            feedback=_("The courier answered the tracking requests again.")
        )

    def _fulfilment_tracking_alerts(self):
        return self.activity_ids.filtered(
            lambda activity: (
                activity.activity_type_id
                == self.env.ref("mail.mail_activity_data_warning")
            )
        )

    def _fulfilment_tracking_alert(self):
        """Give a fulfilment manager an activity, once, about a courier the
        tracking job keeps failing to reach."""
        self.ensure_one()
        if self._fulfilment_tracking_alerts():
            return
        managers = (
            self.env.ref("order_fulfilment.group_manager")
            .sudo()
            .users.filtered(
                lambda user: (
                    user.active
                    and not user.share
                    and (not self.company_id or self.company_id in user.company_ids)
                )
            )
        )
        self.activity_schedule(
            "mail.mail_activity_data_warning",
            summary=_("Tracking at %s keeps failing", self.name),
            note=_(
                "The last %(count)s tracking requests to %(courier)s failed; the "
                "parcels' statuses are not updated. Last error: %(error)s",
                count=self.fulfilment_tracking_failures,
                courier=self.name,
                error=self.fulfilment_tracking_error,
            ),
            user_id=(managers.sorted("id")[:1] or self.env.user).id,
        )

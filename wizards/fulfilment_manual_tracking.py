from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FulfilmentManualTracking(models.TransientModel):
    """Enter the tracking number of a delivery by hand.

    The order is marked shipped. The customer hears of it once: the e-mail
    and SMS of the status the order enters carry the tracking number and
    link; the wizard's own tracking notice only goes out when no status
    message does (the order was already shipped, or its status tells the
    customer nothing).
    """

    _name = "fulfilment.manual.tracking"
    _description = "Enter a Tracking Number"

    picking_id = fields.Many2one("stock.picking", required=True, readonly=True)
    carrier_id = fields.Many2one(
        "delivery.carrier",
        required=True,
        compute="_compute_carrier_id",
        store=True,
        readonly=False,
    )
    tracking_ref = fields.Char(string="Tracking Number", required=True)
    # The carrier's, saved on it only when changed: warehouse users enter
    # numbers without the right to change carriers.
    tracking_url = fields.Char(
        compute="_compute_tracking_url",
        store=True,
        readonly=False,
        help="Address of the carrier's tracking page; <shipmenttrackingnumber> is "
        "replaced by the number. A changed address is saved on the carrier.",
    )
    notify_customer = fields.Boolean(string="E-mail the Customer", default=True)
    notify_sms = fields.Boolean(string="Send an SMS too")
    status_mail = fields.Boolean(compute="_compute_status_notice")
    status_sms = fields.Boolean(compute="_compute_status_notice")
    status_notice = fields.Char(compute="_compute_status_notice")

    @api.depends("picking_id")
    def _compute_carrier_id(self):
        for wizard in self:
            wizard.carrier_id = wizard.picking_id.carrier_id

    @api.depends("carrier_id")
    def _compute_tracking_url(self):
        for wizard in self:
            wizard.tracking_url = wizard.carrier_id.tracking_url

    @api.depends("picking_id")
    def _compute_status_notice(self):
        for wizard in self:
            status = wizard._status_to_enter()
            wizard.status_mail = bool(status.mail_template_id)
            wizard.status_sms = bool(status.sms_template_id)
            wizard.status_notice = (
                _(
                    "The customer is told by the “%(status)s” %(channels)s, "
                    "with this tracking number and its link.",
                    status=status.name,
                    channels=_("e-mail and SMS")
                    if wizard.status_mail and wizard.status_sms
                    else _("e-mail")
                    if wizard.status_mail
                    else _("SMS"),
                )
                if status.notifies_customer
                else False
            )

    def _status_to_enter(self):
        """The status the order enters when shipped, if it moves at all."""
        self.ensure_one()
        order = self.picking_id.sale_id
        Status = self.env["fulfilment.status"]
        if not order:
            return Status
        status = Status._get_status_for_event("shipped", order.company_id)
        current = order.fulfilment_status_id
        if (
            not status
            or current == status
            or (current and current._is_later_than(status))
            or order._fulfilment_event_refusals("shipped", status)
        ):
            return Status
        return status

    def action_confirm(self):
        """Store the number, mark the order shipped, tell the customer once."""
        self.ensure_one()
        picking = self.picking_id
        reference = (self.tracking_ref or "").strip()
        if not reference:
            raise UserError(_("Enter the tracking number."))
        if (self.tracking_url or False) != (self.carrier_id.tracking_url or False):
            # Only a real change touches the carrier (a setting of its own).
            self.carrier_id.tracking_url = self.tracking_url
        picking.write(
            {"carrier_id": self.carrier_id.id, "carrier_tracking_ref": reference}
        )
        picking.message_post(
            body=_(
                "Tracking number %(ref)s entered for %(carrier)s.",
                ref=reference,
                carrier=self.carrier_id.name,
            )
        )
        order = picking.sale_id
        status_mail = status_sms = False
        if order:
            moved = order._fulfilment_trigger_event(
                "shipped", reason=_("Tracking %s", reference)
            )
            status = (
                order.fulfilment_status_id if moved else self.env["fulfilment.status"]
            )
            status_mail = bool(status.mail_template_id)
            status_sms = bool(status.sms_template_id)
            self._send_tracking_notice(
                order,
                reference,
                mail=self.notify_customer and not status_mail,
                sms=self.notify_sms and not status_sms,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self._confirmation_message(
                    reference, status_mail or status_sms
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _send_tracking_notice(self, order, reference, mail, sms):
        """The wizard's own e-mail and SMS with the tracking number."""
        # For the customer: the user does not become a follower of the order.
        order = order.with_context(mail_create_nosubscribe=True)
        if mail:
            order.message_post_with_source(
                self.env.ref("order_fulfilment.mail_template_tracking_number"),
                subtype_xmlid="mail.mt_comment",
            )
        if sms:
            link = self.picking_id.carrier_id.get_tracking_link(self.picking_id)
            self.env["sms.sms"]._fulfilment_queue_to_customers(
                order,
                body=_(
                    "%(shop)s: your order %(order)s is on its way with %(carrier)s, "
                    "tracking %(ref)s %(link)s",
                    shop=order.company_id.name,
                    order=order.name,
                    carrier=self.carrier_id.name,
                    ref=reference,
                    link=link or "",
                ),
            )

    def _confirmation_message(self, reference, status_notified):
        order = self.picking_id.sale_id
        if status_notified:
            return _(
                "Tracking number %(ref)s saved; %(order)s is “%(status)s” and the "
                "customer is told with the tracking link.",
                ref=reference,
                order=order.name,
                status=order.fulfilment_status_id.name,
            )
        return _("Tracking number %(ref)s saved.", ref=reference)

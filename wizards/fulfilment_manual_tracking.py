from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FulfilmentManualTracking(models.TransientModel):
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

    @api.depends("picking_id")
    def _compute_carrier_id(self):
        for wizard in self:
            wizard.carrier_id = wizard.picking_id.carrier_id

    @api.depends("carrier_id")
    def _compute_tracking_url(self):
        for wizard in self:
            wizard.tracking_url = wizard.carrier_id.tracking_url

    def action_confirm(self):
        """Store the number, tell the customer, mark the order shipped."""
        self.ensure_one()
        picking = self.picking_id
        reference = (self.tracking_ref or "").strip()
        if not reference:
            raise UserError(_("Enter the tracking number."))
        if (self.tracking_url or False) != (self.carrier_id.tracking_url or False):
            self.carrier_id.tracking_url = self.tracking_url
        picking.write(
            {"carrier_id": self.carrier_id.id, "carrier_tracking_ref": reference}
        )
        link = picking.carrier_id.get_tracking_link(picking)
        picking.message_post(
            body=_(
                "Tracking number %(ref)s entered for %(carrier)s.",
                ref=reference,
                carrier=self.carrier_id.name,
            )
        )
        order = picking.sale_id
        if self.notify_customer and order:
            order.message_post_with_source(
                self.env.ref("order_fulfilment.mail_template_tracking_number"),
                subtype_xmlid="mail.mt_comment",
            )
        if self.notify_sms and order:
            order._message_sms(
                _(
                    "%(shop)s: your order %(order)s is on its way with %(carrier)s, "
                    "tracking %(ref)s %(link)s",
                    shop=order.company_id.name,
                    order=order.name,
                    carrier=self.carrier_id.name,
                    ref=reference,
                    link=link or "",
                ),
                partner_ids=order.partner_id.ids,
                put_in_queue=True,
            )
            self.env.ref("sms.ir_cron_sms_scheduler_action").sudo()._trigger()
        if order:
            order._fulfilment_trigger_event(
                "shipped", reason=_("Tracking %s", reference)
            )
        return {"type": "ir.actions.act_window_close"}

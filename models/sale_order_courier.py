"""Courier buttons of the order: send its deliveries, labels, tracking."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    fulfilment_cash_on_delivery = fields.Boolean(
        string="Cash on Delivery",
        compute="_compute_fulfilment_cash_on_delivery",
        store=True,
        readonly=False,
        help="The customer pays the courier: the unpaid amount is passed as COD.",
    )
    fulfilment_amount_due = fields.Monetary(
        string="Amount Due", compute="_compute_fulfilment_amount_due"
    )
    fulfilment_tracking_event_ids = fields.One2many(
        "fulfilment.tracking.event", "order_id", string="Tracking Events"
    )
    fulfilment_tracking_ref = fields.Char(
        compute="_compute_fulfilment_tracking", string="Tracking Number"
    )
    fulfilment_tracking_url = fields.Char(
        compute="_compute_fulfilment_tracking", string="Tracking Link"
    )
    fulfilment_tracking_carrier_id = fields.Many2one(
        "delivery.carrier",
        compute="_compute_fulfilment_tracking",
        string="Shipped With",
        help="The carrier of the tracking number shown on the order.",
    )

    fulfilment_delivered_date = fields.Datetime(
        string="Delivered On",
        copy=False,
        readonly=True,
        index=True,
        help="When the courier (or staff) reported that the customer has the "
        'order: the "delivered" event. Leaving the warehouse is "shipped".',
    )

    def _fulfilment_before_event(self, event):
        result = super()._fulfilment_before_event(event)
        if event == "delivered":
            self.filtered(lambda order: not order.fulfilment_delivered_date).write(
                {"fulfilment_delivered_date": fields.Datetime.now()}
            )
        return result

    def _compute_fulfilment_tracking(self):
        for order in self:
            picking = order.picking_ids.filtered("carrier_tracking_ref").sorted(
                "id", reverse=True
            )[:1]
            order.fulfilment_tracking_ref = picking.carrier_tracking_ref
            order.fulfilment_tracking_url = picking.fulfilment_tracking_url
            order.fulfilment_tracking_carrier_id = picking.carrier_id

    @api.depends("transaction_ids.provider_id.fulfilment_cash_on_delivery")
    def _compute_fulfilment_cash_on_delivery(self):
        for order in self:
            order.fulfilment_cash_on_delivery = any(
                order.transaction_ids.provider_id.mapped("fulfilment_cash_on_delivery")
            )

    @api.depends("amount_total", "transaction_ids.state", "invoice_ids.amount_residual")
    def _compute_fulfilment_amount_due(self):
        for order in self:
            paid = sum(
                order.transaction_ids._fulfilment_paid_transactions().mapped("amount")
            )
            invoices = order._fulfilment_posted_invoices()
            paid_on_invoices = sum(invoices.mapped("amount_total")) - sum(
                invoices.mapped("amount_residual")
            )
            order.fulfilment_amount_due = order.amount_total - max(
                paid, paid_on_invoices
            )

    def _fulfilment_courier_pickings(self):
        return self.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "cancel"
        )

    def action_fulfilment_send_to_courier(self):
        pickings = self._fulfilment_courier_pickings().filtered(
            lambda p: not p.carrier_tracking_ref
        )
        if not pickings:
            raise UserError(_("These orders have no delivery waiting for an AWB."))
        return pickings.action_fulfilment_send_to_courier()

    def action_fulfilment_print_labels(self):
        return self._fulfilment_courier_pickings().action_fulfilment_print_labels()

    def action_fulfilment_manual_tracking(self):
        self.ensure_one()
        pickings = self._fulfilment_courier_pickings().filtered(
            lambda p: not p.carrier_tracking_ref
        )
        if not pickings:
            raise UserError(
                _("%s has no delivery without a tracking number.", self.name)
            )
        return pickings[0].action_fulfilment_manual_tracking()

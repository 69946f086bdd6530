from odoo import _, api, fields, models
from odoo.exceptions import UserError

# Events that can move an order into a status automatically. Other addons add
# theirs with ``selection_add``; the order reports them through
# ``sale.order._fulfilment_trigger_event``.
FULFILMENT_EVENTS = [
    ("created", "Order created"),
    ("confirmed", "Order confirmed"),
    ("paid", "Order paid"),
    ("awb_created", "AWB created"),
    ("shipped", "Shipped"),
    ("delivered", "Delivered"),
    ("failed_attempt", "Failed delivery attempt"),
    ("completed", "Order completed"),
    ("returned", "Returned"),
    ("cancelled", "Cancelled"),
    ("payment_overdue", "Payment overdue"),
    ("delivery_overdue", "Delivery overdue"),
    ("ready_for_pickup", "Ready for pickup in store"),
]


class FulfilmentStatus(models.Model):
    _name = "fulfilment.status"
    _description = "Order Fulfilment Status"
    _order = "sequence, id"

    # Identity
    name = fields.Char(required=True, translate=True)
    customer_label = fields.Char(
        translate=True,
        help="What the customer sees in e-mails and on the portal. "
        "Leave empty to show the status name.",
    )
    description = fields.Text(translate=True, help="Internal notes for the operators.")
    sequence = fields.Integer(default=10)
    color = fields.Integer(string="Colour", default=0)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share the status between companies.",
    )

    # Behaviour
    fold = fields.Boolean(string="Folded in Kanban")
    is_closed = fields.Boolean(
        string="Closed", help="Orders in this status are finished: nothing left to do."
    )
    is_cancelled = fields.Boolean(string="Cancelled")
    progress = fields.Integer(
        string="Progress Stage",
        default=0,
        help="Where the status stands in the fulfilment flow (e.g. New 10, Paid "
        "30, Shipping 60, Completed 80). An automatic event never moves an order "
        "to a status of a lower stage than the one it holds: a late event cannot "
        "put an order back. 0: outside the flow (on hold, issues, returns, "
        "cancellation), entered and left freely. Staff may move orders back by "
        "hand.",
    )
    auto_event = fields.Selection(
        FULFILMENT_EVENTS,
        string="Entered Automatically On",
        help="When this event happens to an order, the order moves into this status.",
    )
    next_status_ids = fields.Many2many(
        "fulfilment.status",
        "fulfilment_status_next_rel",
        "status_id",
        "next_status_id",
        string="Allowed Next Statuses",
        help="Statuses an order may move to from this one. Empty means any status.",
    )

    # Notifications
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain=[("model", "=", "sale.order")],
        help="Sent to the customer when an order enters this status.",
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS Template",
        domain=[("model", "=", "sale.order")],
        help="Sent to the customer's mobile when an order enters this status.",
    )

    notifies_customer = fields.Boolean(
        compute="_compute_notifies_customer",
        string="Tells the Customer",
        help="Orders entering this status send the customer an e-mail or an SMS.",
    )

    order_count = fields.Integer(compute="_compute_order_count", string="Orders")

    _sql_constraints = [
        (
            "closed_or_cancelled",
            "CHECK(NOT (is_closed AND is_cancelled))",
            "A status is either closed or cancelled, not both.",
        ),
    ]

    @api.depends("mail_template_id", "sms_template_id")
    def _compute_notifies_customer(self):
        for status in self:
            status.notifies_customer = bool(
                status.mail_template_id or status.sms_template_id
            )

    def _compute_order_count(self):
        counts = dict(
            self.env["sale.order"]._read_group(
                [("fulfilment_status_id", "in", self.ids)],
                ["fulfilment_status_id"],
                ["__count"],
            )
        )
        for status in self:
            status.order_count = counts.get(status, 0)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = (
            self.env["sale.order"]
            .sudo()
            .with_context(active_test=False)
            ._read_group(
                [("fulfilment_status_id", "in", self.ids)], ["fulfilment_status_id"]
            )
        )
        history = (
            self.env["fulfilment.status.history"]
            .sudo()
            .search_count(
                [
                    "|",
                    ("status_from_id", "in", self.ids),
                    ("status_to_id", "in", self.ids),
                ],
                limit=1,
            )
        )
        if used or history:
            names = ", ".join(status.name for (status,) in used) or ", ".join(
                self.mapped("name")
            )
            raise UserError(
                _(
                    "The status %(names)s is used by orders or their history and "
                    "cannot be deleted. Archive it instead.",
                    names=names,
                )
            )

    def _get_customer_label(self):
        self.ensure_one()
        return self.customer_label or self.name

    def _is_later_than(self, status):
        """Whether ``status`` comes before this one in the fulfilment flow
        (false for an empty record or a stage of 0)."""
        self.ensure_one()
        return bool(
            self.progress and status.progress and status.progress < self.progress
        )

    @api.model
    def _check_event(self, event):
        """Raise a ValueError if ``event`` is not a declared event."""
        if event not in self._fields["auto_event"].get_values(self.env):
            raise ValueError(f"Unknown fulfilment event: {event!r}")

    @api.model
    def _get_event_label(self, event):
        """The translated label of ``event``."""
        return dict(self._fields["auto_event"]._description_selection(self.env)).get(
            event, event
        )

    def _allows_transition_to(self, status):
        """Whether an order in this status may move to ``status``."""
        self.ensure_one()
        return not self.next_status_ids or status in self.next_status_ids

    @api.model
    def _get_status_for_event(self, event, company):
        """The status entered on ``event`` for orders of ``company``, if any."""
        return self.search(
            [
                ("auto_event", "=", event),
                ("company_id", "in", [company.id, False]),
            ],
            order="company_id, sequence, id",
            limit=1,
        )

    def action_view_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action["domain"] = [("fulfilment_status_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

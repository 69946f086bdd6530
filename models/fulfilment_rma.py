from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

RMA_REASONS = [
    ("defective", "Defective or not working"),
    ("damaged", "Damaged in transport"),
    ("wrong_item", "Wrong item delivered"),
    ("not_as_described", "Not as described"),
    ("withdrawal", "Changed my mind (withdrawal)"),
    ("other", "Other"),
]

RMA_RESOLUTIONS = [
    ("refund", "Refund"),
    ("replace", "Replacement"),
    ("repair", "Repair"),
    ("exchange", "Exchange"),
]

# Final state of an RMA whose lines were all resolved the same way.
RESOLUTION_STATES = {
    "refund": "refunded",
    "replace": "replaced",
    "repair": "repaired",
    "exchange": "exchanged",
}

# RMAs in these states hold their quantities: the goods are still with the
# customer but promised back, so no other RMA may claim them.
RMA_OPEN_STATES = ("requested", "approved")


class FulfilmentRma(models.Model):
    _name = "fulfilment.rma"
    _description = "Return (RMA)"
    _inherit = ["fulfilment.portal.document"]
    _order = "date_requested desc, id desc"
    _check_company_auto = True
    _portal_path = "/my/returns"
    _portal_report = "order_fulfilment.report_fulfilment_rma"
    _portal_type_name = _lt("Return")

    # Identity
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    order_id = fields.Many2one(
        "sale.order",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        domain="[('state', '=', 'sale'), ('company_id', '=', company_id)]",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    currency_id = fields.Many2one(related="order_id.currency_id")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("requested", "Requested"),
            ("approved", "Approved"),
            ("received", "Received"),
            ("in_repair", "In Repair"),
            ("refunded", "Refunded"),
            ("replaced", "Replaced"),
            ("repaired", "Repaired"),
            ("exchanged", "Exchanged"),
            ("resolved", "Resolved"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        copy=False,
        index=True,
        tracking=True,
    )

    # Request
    reason = fields.Selection(RMA_REASONS, required=True, default="defective")
    description = fields.Text(string="Customer's Description")
    requested_resolution = fields.Selection(
        RMA_RESOLUTIONS, default="refund", required=True
    )
    resolution = fields.Selection(
        RMA_RESOLUTIONS,
        string="Decided Resolution",
        compute="_compute_resolution",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    refund_shipping = fields.Boolean(
        help="Add the order's shipping charges to the credit note.",
    )
    date_requested = fields.Datetime(
        string="Requested On", copy=False, index=True, readonly=True
    )
    date_received = fields.Datetime(string="Received On", copy=False, readonly=True)
    date_resolved = fields.Datetime(string="Resolved On", copy=False, readonly=True)
    notes = fields.Html(string="Internal Notes")
    rejection_reason = fields.Text(copy=False, tracking=True)

    # Legal term
    return_deadline = fields.Date(
        compute="_compute_return_deadline",
        store=True,
        help="Last day of the legal return period (the earliest of its lines).",
    )
    is_late = fields.Boolean(
        string="After Return Period",
        compute="_compute_return_deadline",
        store=True,
        index=True,
        help="Requested after the return period of at least one item: a manager "
        "must approve it.",
    )
    late_approved_by_id = fields.Many2one(
        "res.users", string="Late Return Approved By", readonly=True, copy=False
    )

    # Content
    line_ids = fields.One2many(
        "fulfilment.rma.line", "rma_id", string="Items", copy=True
    )
    surcharge_ids = fields.One2many(
        "fulfilment.rma.surcharge", "rma_id", string="Surcharges", copy=True
    )
    return_address_id = fields.Many2one(
        "res.partner",
        compute="_compute_return_address_id",
        help="Where the customer sends the parcel: the order's warehouse.",
    )
    amount_returned = fields.Monetary(
        string="Returned Value",
        compute="_compute_amount_returned",
        help="Untaxed value of the returned items at their order price.",
    )

    # Documents
    picking_ids = fields.One2many(
        "stock.picking", "fulfilment_rma_id", string="Transfers", readonly=True
    )
    return_picking_count = fields.Integer(compute="_compute_picking_counts")
    delivery_picking_count = fields.Integer(compute="_compute_picking_counts")
    move_ids = fields.One2many(
        "account.move", "fulfilment_rma_id", string="Invoices", readonly=True
    )
    credit_note_count = fields.Integer(compute="_compute_move_counts")
    invoice_count = fields.Integer(compute="_compute_move_counts")

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("order_id")
    def _compute_partner_id(self):
        for rma in self:
            if rma.order_id:
                rma.partner_id = rma.order_id.partner_id

    @api.depends("requested_resolution")
    def _compute_resolution(self):
        for rma in self:
            if not rma.resolution or rma.state in ("draft", "requested"):
                rma.resolution = rma.requested_resolution

    @api.depends("line_ids.return_deadline", "line_ids.is_late")
    def _compute_return_deadline(self):
        for rma in self:
            deadlines = [d for d in rma.line_ids.mapped("return_deadline") if d]
            rma.return_deadline = min(deadlines) if deadlines else False
            rma.is_late = any(rma.line_ids.mapped("is_late"))

    @api.depends("line_ids.quantity", "line_ids.sale_line_id")
    def _compute_amount_returned(self):
        for rma in self:
            rma.amount_returned = sum(
                line._get_unit_value() * line.quantity for line in rma.line_ids
            )

    @api.depends("picking_ids.picking_type_code")
    def _compute_picking_counts(self):
        for rma in self:
            codes = rma.picking_ids.mapped("picking_type_code")
            rma.return_picking_count = codes.count("incoming")
            rma.delivery_picking_count = codes.count("outgoing")

    @api.depends("move_ids.move_type")
    def _compute_move_counts(self):
        for rma in self:
            types = rma.move_ids.mapped("move_type")
            rma.credit_note_count = types.count("out_refund")
            rma.invoice_count = types.count("out_invoice")

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        rmas = super().create(vals_list)
        for rma in rmas:
            rma.message_subscribe(partner_ids=rma.partner_id.ids)
        return rmas

    def write(self, vals):
        # Items that follow the return's reason or requested resolution keep
        # following it; those the customer described otherwise keep theirs.
        following = {}
        for name in ("reason", "requested_resolution"):
            if name in vals:
                following[name] = self.line_ids.filtered(
                    lambda line, name=name: line[name] == line.rma_id[name]
                )
        result = super().write(vals)
        for name, lines in following.items():
            lines.write({name: vals[name]})
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(rma.state not in ("draft", "cancelled") for rma in self):
            raise UserError(_("Only draft or cancelled returns can be deleted."))

    @api.constrains("order_id", "partner_id")
    def _check_partner_matches_order(self):
        for rma in self:
            order_partner = rma.order_id.partner_id.commercial_partner_id
            if rma.partner_id.commercial_partner_id != order_partner:
                raise ValidationError(
                    _(
                        "Return %(rma)s: the customer must be the customer of order "
                        "%(order)s.",
                        rma=rma.name,
                        order=rma.order_id.name,
                    )
                )

    # ------------------------------------------------------------
    # Actions: workflow
    # ------------------------------------------------------------

    def action_request(self):
        """Submit the return: check the quantities and the legal term."""
        self.check_access("write")
        for rma in self:
            if rma.state != "draft":
                raise UserError(
                    _("Return %(rma)s has already been submitted.", rma=rma.name)
                )
            if not rma.line_ids.filtered("quantity"):
                raise UserError(
                    _("Return %(rma)s has no item to return.", rma=rma.name)
                )
        self.line_ids.filtered(lambda line: not line.quantity).unlink()
        self.line_ids._check_returnable_quantity()
        self.write({"state": "requested", "date_requested": fields.Datetime.now()})
        for rma in self.filtered("is_late"):
            rma._schedule_late_approval_activity()
        return True

    def action_approve(self):
        """Accept the return and create the return pickings the customer's
        parcel will be received with."""
        self.check_access("write")
        is_manager = self.env.user.has_group("order_fulfilment.group_manager")
        for rma in self:
            if rma.state != "requested":
                raise UserError(
                    _("Only requested returns can be approved (%(rma)s).", rma=rma.name)
                )
            if rma.is_late and not is_manager:
                raise UserError(
                    _(
                        "Return %(rma)s was requested after the return period "
                        "(deadline %(deadline)s): only a fulfilment manager can "
                        "approve it.",
                        rma=rma.name,
                        deadline=rma.return_deadline,
                    )
                )
            if not rma.resolution:
                raise UserError(
                    _("Choose a resolution before approving %(rma)s.", rma=rma.name)
                )
            rma.line_ids._check_returnable_quantity()
            rma.line_ids._check_exchange_product()
        for rma in self:
            if rma.is_late:
                rma.late_approved_by_id = self.env.user
            rma._create_return_pickings()
            rma.activity_feedback(
                ["mail.mail_activity_data_todo"],
                feedback=_("Approved by %(user)s", user=self.env.user.name),
            )
        self.write({"state": "approved"})
        return True

    def action_reject(self):
        self.check_access("write")
        for rma in self:
            if rma.state not in ("draft", "requested"):
                raise UserError(
                    _("Only requested returns can be rejected (%(rma)s).", rma=rma.name)
                )
        self.write({"state": "rejected"})
        return True

    def action_cancel(self):
        self.check_access("write")
        for rma in self:
            received = rma.picking_ids.filtered(
                lambda p: p.picking_type_code == "incoming" and p.state == "done"
            )
            if rma.state not in ("draft", "requested", "approved") or received:
                raise UserError(
                    _(
                        "Return %(rma)s cannot be cancelled once its goods are "
                        "received.",
                        rma=rma.name,
                    )
                )
        self.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        ).action_cancel()
        self.write({"state": "cancelled"})
        return True

    def action_draft(self):
        self.check_access("write")
        for rma in self:
            if rma.state not in ("rejected", "cancelled"):
                raise UserError(
                    _(
                        "Only rejected or cancelled returns can be reset (%(rma)s).",
                        rma=rma.name,
                    )
                )
        self.write({"state": "draft", "late_approved_by_id": False})
        return True

    def action_resolve(self):
        """Apply the resolution of each received line: credit note,
        replacement delivery, repair case or exchange."""
        self.check_access("write")
        for rma in self:
            if rma.state != "received":
                raise UserError(
                    _(
                        "Return %(rma)s must be received before it is resolved.",
                        rma=rma.name,
                    )
                )
            rma.line_ids._check_exchange_product()
        for rma in self:
            lines = rma.line_ids.filtered("quantity_received")
            by_resolution = defaultdict(lambda: self.env["fulfilment.rma.line"])
            for line in lines:
                by_resolution[line.resolution] |= line
            if by_resolution.get("refund"):
                rma._create_credit_note(by_resolution["refund"])
            if by_resolution.get("replace"):
                rma._create_delivery(by_resolution["replace"], same_product=True)
            if by_resolution.get("exchange"):
                rma._create_delivery(by_resolution["exchange"], same_product=False)
                rma._create_exchange_difference(by_resolution["exchange"])
            rma._invoice_surcharges()
            if by_resolution.get("repair"):
                rma.state = "in_repair"
                rma._fulfilment_start_repair(by_resolution["repair"])
            else:
                rma._mark_resolved()
        return True

    def action_repair_done(self):
        """The repaired items go back to the customer."""
        self.check_access("write")
        for rma in self:
            if rma.state != "in_repair":
                raise UserError(_("Return %(rma)s is not in repair.", rma=rma.name))
            repaired = rma.line_ids.filtered(
                lambda line: line.resolution == "repair" and line.quantity_received
            )
            rma._create_delivery(repaired, same_product=True)
            rma.activity_feedback(
                ["mail.mail_activity_data_todo"], feedback=_("Repair done")
            )
            rma._mark_resolved()
        return True

    def action_invoice_surcharges(self):
        """Invoice the surcharges not invoiced yet (e.g. on a rejected return)."""
        self.check_access("write")
        invoices = self.env["account.move"]
        for rma in self:
            invoices |= rma._invoice_surcharges()
        if not invoices:
            raise UserError(_("There is no surcharge left to invoice."))
        return self._action_view_moves(invoices)

    # ------------------------------------------------------------
    # Actions: smart buttons
    # ------------------------------------------------------------

    def action_view_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "view_mode": "form",
            "res_id": self.order_id.id,
        }

    def action_view_return_pickings(self):
        return self._action_view_pickings(
            self.picking_ids.filtered(lambda p: p.picking_type_code == "incoming")
        )

    def action_view_delivery_pickings(self):
        return self._action_view_pickings(
            self.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        )

    def action_view_credit_notes(self):
        return self._action_view_moves(
            self.move_ids.filtered(lambda m: m.move_type == "out_refund")
        )

    def action_view_invoices(self):
        return self._action_view_moves(
            self.move_ids.filtered(lambda m: m.move_type == "out_invoice")
        )

    def _action_view_pickings(self, pickings):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock.action_picking_tree_all"
        )
        action["domain"] = [("id", "in", pickings.ids)]
        action["context"] = {"create": False}
        if len(pickings) == 1:
            action.update(
                views=[(self.env.ref("stock.view_picking_form").id, "form")],
                res_id=pickings.id,
            )
        return action

    def _action_view_moves(self, moves):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", moves.ids)]
        action["context"] = {"create": False}
        if len(moves) == 1:
            action.update(
                views=[(self.env.ref("account.view_move_form").id, "form")],
                res_id=moves.id,
            )
        return action

    # ------------------------------------------------------------
    # Business helpers
    # ------------------------------------------------------------

    def _schedule_late_approval_activity(self):
        """Ask the managers to decide on a return requested after the term."""
        self.ensure_one()
        manager = (
            self.env.ref("order_fulfilment.group_manager")
            .users.filtered(lambda u: self.company_id in u.company_ids)
            .sorted("id")[:1]
        )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Late return: manager approval needed"),
            note=_(
                "Requested after the return period ended on %(deadline)s.",
                deadline=self.return_deadline,
            ),
            user_id=(manager or self.env.user).id,
        )

    # ------------------------------------------------------------
    # Mail and portal
    # ------------------------------------------------------------

    def _track_template(self, changes):
        res = super()._track_template(changes)
        rma = self[0]
        if "state" in changes and rma.state != "draft":
            template = self.env.ref(
                "order_fulfilment.mail_template_rma_state", raise_if_not_found=False
            )
            if template:
                res["state"] = (
                    template,
                    {
                        "auto_delete_keep_log": False,
                        "subtype_id": self.env.ref("mail.mt_comment").id,
                        "email_layout_xmlid": "mail.mail_notification_light",
                    },
                )
        return res

    @api.depends("order_id.warehouse_id.partner_id", "company_id.partner_id")
    def _compute_return_address_id(self):
        for rma in self:
            rma.return_address_id = (
                rma.order_id.warehouse_id.partner_id or rma.company_id.partner_id
            )

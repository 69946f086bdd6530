from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_is_zero
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
        for rma in self:
            if rma.state not in ("draft", "requested"):
                raise UserError(
                    _("Only requested returns can be rejected (%(rma)s).", rma=rma.name)
                )
        self.write({"state": "rejected"})
        return True

    def action_cancel(self):
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

    def _create_return_pickings(self):
        """Create the return pickings with Odoo's own return wizard, one per
        delivered picking the returned quantities come from."""
        self.ensure_one()
        quantities_by_move = defaultdict(float)
        line_by_move = {}
        for line in self.line_ids:
            for move, quantity in line._allocate_to_delivery_moves():
                quantities_by_move[move] += quantity
                line_by_move[move] = line
        pickings = self.env["stock.move"].concat(*quantities_by_move).picking_id
        # Approving the return is the authorisation: the approver need not
        # hold inventory rights to have the return picking prepared.
        ReturnWizard = self.env["stock.return.picking"].sudo()
        for picking in pickings:
            wizard = ReturnWizard.with_context(
                active_model="stock.picking", active_id=picking.id
            ).create({"picking_id": picking.id})
            for return_line in wizard.product_return_moves:
                return_line.write(
                    {
                        "quantity": quantities_by_move.get(return_line.move_id, 0.0),
                        "to_refund": True,
                    }
                )
            return_picking = wizard._create_return()
            return_picking.write(
                {
                    "fulfilment_rma_id": self.id,
                    "origin": f"{self.name} ({picking.name})",
                }
            )
            for return_move in return_picking.move_ids:
                rma_line = line_by_move.get(return_move.origin_returned_move_id)
                if rma_line:
                    return_move.fulfilment_rma_line_id = rma_line
                    if rma_line.lot_id:
                        return_move.move_line_ids.lot_id = rma_line.lot_id

    def _on_return_received(self):
        """Called when a return picking is validated."""
        received = self.filtered(
            lambda rma: (
                rma.state == "approved"
                and all(
                    p.state in ("done", "cancel")
                    for p in rma.picking_ids
                    if p.picking_type_code == "incoming"
                )
            )
        )
        if not received:
            return
        received.write({"state": "received", "date_received": fields.Datetime.now()})
        received.order_id._fulfilment_trigger_event(
            "returned",
            reason=_(
                "Return %(rmas)s received", rmas=", ".join(received.mapped("name"))
            ),
        )

    def _prepare_move_vals(self, move_type):
        """Header of a credit note or invoice for this return (hook)."""
        self.ensure_one()
        vals = self.order_id._prepare_invoice()
        vals.update(
            {
                "move_type": move_type,
                "invoice_origin": f"{self.order_id.name}, {self.name}",
                "ref": self.name,
                "fulfilment_rma_id": self.id,
                "invoice_line_ids": [],
            }
        )
        return vals

    def _prepare_refund_lines(self, lines):
        """Credit note lines for the returned ``lines`` (hook)."""
        values = [
            line.sale_line_id._prepare_invoice_line(quantity=line.quantity_received)
            for line in lines
        ]
        if self.refund_shipping and not self._shipping_already_refunded():
            values += [
                sale_line._prepare_invoice_line(quantity=sale_line.product_uom_qty)
                for sale_line in self.order_id.order_line.filtered("is_delivery")
                if not float_is_zero(sale_line.price_unit, precision_digits=6)
            ]
        return values

    def _shipping_already_refunded(self):
        self.ensure_one()
        return bool(
            self.search_count(
                [
                    ("order_id", "=", self.order_id.id),
                    ("id", "!=", self.id),
                    ("refund_shipping", "=", True),
                    ("move_ids.move_type", "=", "out_refund"),
                ],
                limit=1,
            )
        )

    def _create_credit_note(self, lines):
        self.ensure_one()
        vals = self._prepare_move_vals("out_refund")
        vals["invoice_line_ids"] = [
            Command.create(line_vals) for line_vals in self._prepare_refund_lines(lines)
        ]
        credit_note = self.env["account.move"].sudo().create(vals).sudo(False)
        credit_note.message_post_with_source(
            "mail.message_origin_link",
            render_values={"self": credit_note, "origin": self},
            subtype_xmlid="mail.mt_note",
        )
        return credit_note

    def _create_exchange_difference(self, lines):
        """Invoice or credit the price difference of the exchanged items.

        One document holds both sides: the new products and the returned ones
        with the opposite sign. Its type follows the sign of the difference.
        """
        self.ensure_one()
        difference = sum(
            line.exchange_price_unit * line.quantity_received
            - line._get_unit_value() * line.quantity_received
            for line in lines
        )
        if self.currency_id.is_zero(difference):
            return self.env["account.move"]
        sign = 1 if difference > 0 else -1
        move_type = "out_invoice" if sign > 0 else "out_refund"
        fiscal_position = self.order_id.fiscal_position_id
        line_vals = []
        for line in lines:
            product = line.exchange_product_id
            taxes = product.taxes_id._filter_taxes_by_company(self.company_id)
            line_vals.append(
                {
                    "product_id": product.id,
                    "name": _(
                        "Exchange: %(product)s",
                        product=product.display_name,
                    ),
                    "quantity": sign * line.quantity_received,
                    "price_unit": line.exchange_price_unit,
                    "tax_ids": [Command.set(fiscal_position.map_tax(taxes).ids)],
                }
            )
            line_vals.append(
                line.sale_line_id._prepare_invoice_line(
                    quantity=-sign * line.quantity_received
                )
            )
        vals = self._prepare_move_vals(move_type)
        vals["invoice_line_ids"] = [Command.create(v) for v in line_vals]
        return self.env["account.move"].sudo().create(vals).sudo(False)

    def _invoice_surcharges(self):
        """Invoice the surcharges that are not invoiced yet."""
        self.ensure_one()
        surcharges = self.surcharge_ids.filtered(lambda s: not s.invoice_line_id)
        if not surcharges:
            return self.env["account.move"]
        vals = self._prepare_move_vals("out_invoice")
        vals["invoice_line_ids"] = [
            Command.create(s._prepare_invoice_line()) for s in surcharges
        ]
        invoice = self.env["account.move"].sudo().create(vals).sudo(False)
        for surcharge, move_line in zip(
            surcharges, invoice.invoice_line_ids.sorted("sequence"), strict=True
        ):
            surcharge.invoice_line_id = move_line
        return invoice

    def _create_delivery(self, lines, same_product):
        """Ship the replacement, repaired or exchanged items to the customer."""
        self.ensure_one()
        if not lines:
            return self.env["stock.picking"]
        order = self.order_id
        warehouse = order.warehouse_id
        picking_type = warehouse.out_type_id
        customer_location = order.partner_shipping_id.property_stock_customer
        move_vals = []
        for line in lines:
            product = line.product_id if same_product else line.exchange_product_id
            vals = {
                "name": product.display_name,
                "product_id": product.id,
                "product_uom": product.uom_id.id,
                "product_uom_qty": line.quantity_received,
                "location_id": picking_type.default_location_src_id.id,
                "location_dest_id": customer_location.id,
                "fulfilment_rma_line_id": line.id,
                "company_id": self.company_id.id,
                "partner_id": order.partner_shipping_id.id,
            }
            if same_product:
                # The order's line is delivered again: its delivered quantity
                # goes back up after the return lowered it.
                vals["sale_line_id"] = line.sale_line_id.id
            move_vals.append(Command.create(vals))
        group = (
            order.procurement_group_id
            if same_product
            else self.env["procurement.group"]
        )
        for command in move_vals:
            command[2]["group_id"] = group.id
        picking = (
            self.env["stock.picking"]
            .sudo()
            .create(
                {
                    "picking_type_id": picking_type.id,
                    "partner_id": order.partner_shipping_id.id,
                    "origin": f"{order.name}, {self.name}",
                    "location_id": picking_type.default_location_src_id.id,
                    "location_dest_id": customer_location.id,
                    "company_id": self.company_id.id,
                    "fulfilment_rma_id": self.id,
                    "group_id": group.id,
                    "carrier_id": order.carrier_id.id,
                    "move_ids": move_vals,
                }
            )
        )
        picking.action_confirm()
        picking.action_assign()
        return picking.sudo(False)

    def _fulfilment_start_repair(self, lines):
        """Open the repair case of ``lines``.

        Kept as an activity on the return; a service-case module overrides
        this hook to create its own claim instead.
        """
        self.ensure_one()
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Repair the returned items"),
            note=", ".join(
                f"{line.product_id.display_name} × {line.quantity_received:g}"
                for line in lines
            ),
            user_id=(self.user_id or self.env.user).id,
        )

    def _mark_resolved(self):
        self.ensure_one()
        resolutions = set(
            self.line_ids.filtered("quantity_received").mapped("resolution")
        )
        state = (
            RESOLUTION_STATES[resolutions.pop()]
            if len(resolutions) == 1
            else "resolved"
        )
        self.write({"state": state, "date_resolved": fields.Datetime.now()})

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

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

CLAIM_STATES = [
    ("received", "Received"),
    ("diagnosing", "Diagnosing"),
    ("in_repair", "In Repair"),
    ("waiting_parts", "Waiting for Parts"),
    ("repaired", "Repaired"),
    ("replaced", "Replaced"),
    ("rejected", "Rejected"),
    ("returned", "Returned to Customer"),
]

# While in these states the product is being serviced: the customer gets
# regular reminders.
CLAIM_OPEN_STATES = ("received", "diagnosing", "in_repair", "waiting_parts")

# Allowed moves between states.
CLAIM_TRANSITIONS = {
    "received": ("diagnosing", "rejected"),
    "diagnosing": ("in_repair", "waiting_parts", "replaced", "rejected"),
    "in_repair": ("waiting_parts", "repaired", "replaced"),
    "waiting_parts": ("in_repair", "replaced"),
    "repaired": ("returned",),
    "replaced": ("returned",),
    "rejected": ("returned",),
    "returned": (),
}

# Claims the reminder job handles per run.
REMINDER_BATCH_SIZE = 200


class FulfilmentWarrantyClaim(models.Model):
    _name = "fulfilment.warranty.claim"
    _description = "Warranty Service Claim"
    _inherit = ["fulfilment.portal.document"]
    _order = "date_received desc, id desc"
    _check_company_auto = True
    _portal_path = "/my/warranty/claim"

    # Identity
    company_id = fields.Many2one(
        related="warranty_id.company_id", store=True, index=True, precompute=True
    )
    warranty_id = fields.Many2one(
        "fulfilment.warranty",
        string="Certificate",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
    )
    partner_id = fields.Many2one(
        related="warranty_id.partner_id",
        string="Customer",
        store=True,
        index=True,
        precompute=True,
    )
    product_id = fields.Many2one(
        related="warranty_id.product_id", store=True, precompute=True
    )
    lot_id = fields.Many2one(related="warranty_id.lot_id")
    order_id = fields.Many2one(related="warranty_id.order_id", store=True)
    warranty_date_end = fields.Date(
        related="warranty_id.date_end", string="Warranty End"
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user if not self.env.user.share else False,
        tracking=True,
        domain="[('share', '=', False)]",
    )

    # Case
    description = fields.Text(string="Problem Description", required=True)
    state = fields.Selection(
        CLAIM_STATES,
        default="received",
        required=True,
        copy=False,
        index=True,
        tracking=True,
        readonly=True,
    )
    date_received = fields.Datetime(
        string="Received On",
        default=fields.Datetime.now,
        required=True,
        index=True,
    )
    expected_date = fields.Date(
        tracking=True,
        help="When the customer can expect the product back; told to them in "
        "the notifications.",
    )
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False)
    diagnosis = fields.Text()
    rejection_reason = fields.Text(tracking=True)
    is_open = fields.Boolean(compute="_compute_is_open")

    # Warranty check
    warranty_override = fields.Boolean(
        string="Accept Outside Warranty",
        tracking=True,
        copy=False,
        help="Fulfilment managers only: accept the claim although the certificate "
        "is expired, void or not yet valid.",
    )
    override_reason = fields.Text(tracking=True, copy=False)
    override_user_id = fields.Many2one(
        "res.users", string="Accepted By", readonly=True, copy=False
    )
    warranty_warning = fields.Char(compute="_compute_warranty_warning")

    # Replacement
    product_tracking = fields.Selection(related="product_id.tracking")
    replacement_lot_id = fields.Many2one(
        "stock.lot",
        string="Replacement Serial/Lot",
        copy=False,
        tracking=True,
        domain="[('product_id', '=', product_id)]",
        help="The unit given to the customer instead of the claimed one; "
        "required for products tracked by serial number.",
    )
    replacement_warranty_id = fields.Many2one(
        "fulfilment.warranty",
        string="Replacement Certificate",
        readonly=True,
        copy=False,
        help="Issued when the claim is marked Replaced: the replacement unit's "
        "warranty starts on that day, for the period of the original certificate.",
    )

    # Reminders
    last_reminder_date = fields.Date(
        readonly=True,
        copy=False,
        index=True,
        help="Last day the customer was reminded that the claim is open.",
    )

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("state")
    def _compute_is_open(self):
        for claim in self:
            claim.is_open = claim.state in CLAIM_OPEN_STATES

    @api.depends("warranty_id", "date_received")
    def _compute_warranty_warning(self):
        for claim in self:
            claim.warranty_warning = (
                claim.warranty_id._get_invalid_reason(claim._claim_date())
                if claim.warranty_id
                else False
            ) or False

    def _claim_date(self):
        self.ensure_one()
        return fields.Date.context_today(
            self, self.date_received or fields.Datetime.now()
        )

    # ------------------------------------------------------------
    # CRUD and constraints
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._check_override_rights(vals_list)
        for vals in vals_list:
            if vals.get("warranty_override"):
                vals["override_user_id"] = self.env.user.id
        claims = super().create(vals_list)
        for claim in claims:
            claim.message_subscribe(partner_ids=claim.partner_id.ids)
        claims._notify_customer("state")
        return claims

    @api.model
    def _get_sequence_company(self, vals):
        # Claims take the company of their certificate.
        warranty = self.env["fulfilment.warranty"].browse(vals.get("warranty_id"))
        return warranty.sudo().company_id or self.env.company

    def write(self, vals):
        self._check_override_rights([vals])
        if vals.get("warranty_override"):
            vals["override_user_id"] = self.env.user.id
        elif "warranty_override" in vals:
            vals["override_user_id"] = False
        return super().write(vals)

    def _check_override_rights(self, vals_list):
        if any(
            "warranty_override" in vals or "override_reason" in vals
            for vals in vals_list
        ) and not self.env.user.has_group("order_fulfilment.group_manager"):
            raise UserError(
                _("Only a fulfilment manager can accept a claim outside warranty.")
            )

    @api.constrains(
        "warranty_id", "date_received", "warranty_override", "override_reason"
    )
    def _check_warranty_valid(self):
        for claim in self:
            if claim.warranty_override:
                if not (claim.override_reason or "").strip():
                    raise ValidationError(
                        _(
                            "Give the reason for accepting claim %(claim)s outside "
                            "warranty.",
                            claim=claim.name,
                        )
                    )
                continue
            reason = claim.warranty_id._get_invalid_reason(claim._claim_date())
            if reason:
                raise ValidationError(
                    _(
                        "%(reason)s The claim is refused; a fulfilment manager can "
                        "accept it anyway (Accept Outside Warranty, with a reason).",
                        reason=reason,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_manager(self):
        if not self.env.user.has_group("order_fulfilment.group_manager"):
            raise UserError(_("Only a fulfilment manager can delete service claims."))

    # ------------------------------------------------------------
    # Actions: workflow
    # ------------------------------------------------------------

    def action_diagnose(self):
        self.check_access("write")
        return self._set_state("diagnosing")

    def action_repair(self):
        self.check_access("write")
        return self._set_state("in_repair")

    def action_wait_parts(self):
        self.check_access("write")
        return self._set_state("waiting_parts")

    def action_repaired(self):
        self.check_access("write")
        return self._set_state("repaired")

    def action_replaced(self):
        """The claimed unit is replaced: its certificate is voided and the
        replacement unit gets a certificate of its own from today."""
        self.check_access("write")
        for claim in self:
            if claim.product_tracking == "serial" and not claim.replacement_lot_id:
                raise UserError(
                    _(
                        "Enter the serial number of the unit that replaces the "
                        "claimed one on claim %(claim)s first.",
                        claim=claim.name,
                    )
                )
        self._set_state("replaced")
        for claim in self:
            claim.replacement_warranty_id = claim.warranty_id._replace(
                claim, claim.replacement_lot_id
            )
        return True

    def action_reject(self):
        self.check_access("write")
        for claim in self:
            if not (claim.rejection_reason or "").strip():
                raise UserError(
                    _(
                        "Write the reason for rejecting claim %(claim)s first "
                        "(the customer is told).",
                        claim=claim.name,
                    )
                )
        return self._set_state("rejected")

    def action_return_to_customer(self):
        self.check_access("write")
        return self._set_state("returned")

    def _set_state(self, state):
        """Move the claims to ``state`` when their current state allows it, and
        tell the customers."""
        labels = dict(CLAIM_STATES)
        for claim in self:
            if state not in CLAIM_TRANSITIONS[claim.state]:
                raise UserError(
                    _(
                        "Claim %(claim)s cannot go from “%(from)s” to “%(to)s”.",
                        claim=claim.name,
                        **{"from": labels[claim.state], "to": labels[state]},
                    )
                )
        vals = {"state": state}
        if state not in CLAIM_OPEN_STATES:
            vals["date_closed"] = fields.Datetime.now()
        self.write(vals)
        self._notify_customer("state")
        return True

    def action_view_warranty(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "fulfilment.warranty",
            "view_mode": "form",
            "res_id": self.warranty_id.id,
        }

    # ------------------------------------------------------------
    # Customer notifications and reminders
    # ------------------------------------------------------------

    def _notify_customer(self, kind):
        """E-mail and SMS the customers: ``kind`` is "state" (the claim entered
        its current state) or "reminder" (it is still open)."""
        xmlids = {
            "state": (
                "order_fulfilment.mail_template_warranty_claim_state",
                "order_fulfilment.sms_template_warranty_claim_state",
            ),
            "reminder": (
                "order_fulfilment.mail_template_warranty_claim_reminder",
                "order_fulfilment.sms_template_warranty_claim_reminder",
            ),
        }[kind]
        # The claim's customer is notified whoever triggers the change
        # (an operator, a portal customer, the scheduler).
        mail_template = self.env.ref(xmlids[0], raise_if_not_found=False).sudo()
        sms_template = self.env.ref(xmlids[1], raise_if_not_found=False).sudo()
        claims = self.sudo()
        if mail_template:
            for claim in claims:
                claim.message_post_with_source(
                    mail_template, subtype_xmlid="mail.mt_comment"
                )
        if sms_template:
            self.env["sms.sms"]._fulfilment_queue_to_customers(
                claims.filtered(lambda c: c.partner_id.mobile or c.partner_id.phone),
                template=sms_template,
            )

    @api.model
    def _reminder_domain(self, company, today):
        limit = today - timedelta(days=company.fulfilment_warranty_reminder_days)
        limit_start = fields.Datetime.to_datetime(limit + timedelta(days=1))
        return [
            ("company_id", "=", company.id),
            ("state", "in", CLAIM_OPEN_STATES),
            "|",
            ("last_reminder_date", "<=", limit),
            "&",
            ("last_reminder_date", "=", False),
            ("date_received", "<", limit_start),
        ]

    @api.model
    def _cron_send_reminders(self, batch_size=REMINDER_BATCH_SIZE):
        """Remind the customers of open claims, once per interval (days set in
        Settings, per company; 0 turns reminders off).

        The claims are selected by their last reminder date, which is written
        with the reminder: a second run in the same interval finds nothing.
        Each run reminds at most ``batch_size`` customers and reports its
        progress to the scheduler, which runs it again at once while some
        remain.

        :return: how many claims this run reminded of
        """
        today = fields.Date.context_today(self)
        companies = self.env["res.company"].search(
            [("fulfilment_warranty_reminder_days", ">", 0)]
        )
        done = remaining = 0
        for company in companies:
            domain = self._reminder_domain(company, today)
            if done < batch_size:
                claims = self.search(domain, limit=batch_size - done, order="id")
                claims.write({"last_reminder_date": today})
                claims.with_company(company)._notify_customer("reminder")
                done += len(claims)
            remaining += self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

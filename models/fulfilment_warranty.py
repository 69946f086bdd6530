import base64
import io
import secrets
from collections import defaultdict

import qrcode
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

WARRANTY_TYPES = [("legal", "Legal"), ("commercial", "Commercial")]

WARRANTY_STATES = [
    ("active", "Active"),
    ("expired", "Expired"),
    ("void", "Void"),
]

# Certificates the expiry job handles per run.
EXPIRY_BATCH_SIZE = 1000


def _new_verification_token(records=None):
    return secrets.token_urlsafe(24)


class FulfilmentWarranty(models.Model):
    _name = "fulfilment.warranty"
    _description = "Warranty Certificate"
    _inherit = ["fulfilment.portal.document"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "lot_id.name", "partner_id.name", "order_id.name"]
    _portal_path = "/my/warranty/certificate"
    _portal_report = "order_fulfilment.action_report_fulfilment_warranty"
    _portal_type_name = _lt("Warranty")

    # Identity
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    verification_token = fields.Char(
        required=True,
        copy=False,
        readonly=True,
        groups="order_fulfilment.group_user",
        default=_new_verification_token,
        help="Random token of the public verification page the certificate's QR "
        "code opens.",
    )

    # What and for whom
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True
    )
    order_id = fields.Many2one(
        "sale.order", index=True, check_company=True, readonly=True
    )
    sale_line_id = fields.Many2one(
        "sale.order.line", string="Order Line", index="btree_not_null", readonly=True
    )
    move_id = fields.Many2one(
        "stock.move",
        string="Delivery Move",
        index="btree_not_null",
        readonly=True,
        help="The delivery that brought this unit to the customer.",
    )
    picking_id = fields.Many2one(
        related="move_id.picking_id", string="Delivery", store=True
    )
    product_id = fields.Many2one(
        "product.product", required=True, index=True, readonly=True
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial Number",
        index="btree_not_null",
        readonly=True,
        check_company=True,
    )

    # Terms
    warranty_type = fields.Selection(
        WARRANTY_TYPES, required=True, default="legal", readonly=True
    )
    months = fields.Integer(string="Warranty (months)", required=True, readonly=True)
    date_start = fields.Date(
        string="Start", required=True, readonly=True, help="Delivery date."
    )
    date_end = fields.Date(string="End", required=True, readonly=True, index=True)
    terms = fields.Text(
        readonly=True,
        help="The conditions that applied when the unit was delivered, in the "
        "customer's language.",
    )

    # Life
    state = fields.Selection(
        WARRANTY_STATES,
        default="active",
        required=True,
        index=True,
        tracking=True,
        readonly=True,
    )
    return_move_id = fields.Many2one(
        "stock.move",
        string="Returned By",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The return that brought the unit back and voided the certificate.",
    )
    date_void = fields.Date(string="Voided On", readonly=True, copy=False)
    void_reason = fields.Char(readonly=True, copy=False)
    claim_ids = fields.One2many(
        "fulfilment.warranty.claim", "warranty_id", string="Service Claims"
    )
    replaced_warranty_id = fields.Many2one(
        "fulfilment.warranty",
        string="Replaces",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The certificate of the unit this one replaced under a service claim.",
    )
    claim_count = fields.Integer(compute="_compute_claim_count")

    _sql_constraints = [
        (
            "verification_token_unique",
            "unique(verification_token)",
            "Two certificates cannot share a verification token.",
        ),
        (
            "dates_check",
            "CHECK(date_end >= date_start)",
            "A warranty cannot end before it starts.",
        ),
    ]

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("claim_ids")
    def _compute_claim_count(self):
        counts = dict(
            self.env["fulfilment.warranty.claim"]._read_group(
                [("warranty_id", "in", self.ids)], ["warranty_id"], ["__count"]
            )
        )
        for warranty in self:
            warranty.claim_count = counts.get(warranty, 0)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        today = fields.Date.context_today(self)
        for vals in vals_list:
            if (
                vals.get("date_start")
                and vals.get("months")
                and not vals.get("date_end")
            ):
                vals["date_end"] = self._compute_date_end(
                    fields.Date.to_date(vals["date_start"]), vals["months"]
                )
            # A certificate issued after its end (a late delivery record) is
            # born expired rather than waiting for the nightly job.
            if (
                vals.get("state", "active") == "active"
                and vals.get("date_end")
                and fields.Date.to_date(vals["date_end"]) < today
            ):
                vals["state"] = "expired"
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_issued(self):
        if not self.env.user.has_group("order_fulfilment.group_manager"):
            raise UserError(
                _("Only a fulfilment manager can delete warranty certificates.")
            )
        if self.claim_ids:
            raise UserError(
                _("Certificates with service claims cannot be deleted; void them.")
            )

    @api.model
    def _compute_date_end(self, date_start, months):
        """Last day covered: the day before the same date ``months`` later."""
        return date_start + relativedelta(months=months, days=-1)

    # ------------------------------------------------------------
    # Validity
    # ------------------------------------------------------------

    def _get_effective_state(self, date=None):
        """State on ``date`` (today by default): an active certificate past its
        end is expired even before the nightly job marks it."""
        self.ensure_one()
        date = date or fields.Date.context_today(self)
        if self.state == "active" and self.date_end < date:
            return "expired"
        return self.state

    def _is_valid(self, date=None):
        """Whether the certificate covers a claim made on ``date``."""
        self.ensure_one()
        date = date or fields.Date.context_today(self)
        return self.state == "active" and self.date_start <= date <= self.date_end

    def _get_invalid_reason(self, date=None):
        """Why a claim on ``date`` is not covered, or None when it is."""
        self.ensure_one()
        date = date or fields.Date.context_today(self)
        if self.state == "void":
            return _(
                "Warranty certificate %(name)s is void: the unit was returned "
                "(%(date)s).",
                name=self.name,
                date=self.date_void or "",
            )
        if self.date_end < date or self.state == "expired":
            return _(
                "Warranty certificate %(name)s expired on %(date)s.",
                name=self.name,
                date=self.date_end,
            )
        if date < self.date_start:
            return _(
                "Warranty certificate %(name)s only starts on %(date)s.",
                name=self.name,
                date=self.date_start,
            )
        return None

    def _get_state_label(self, state=None):
        self.ensure_one()
        labels = dict(self._fields["state"]._description_selection(self.env))
        return labels[state or self._get_effective_state()]

    # ------------------------------------------------------------
    # Verification page and QR code
    # ------------------------------------------------------------

    def _get_verification_url(self):
        self.ensure_one()
        token = self.sudo().verification_token
        return f"{self.get_base_url()}/warranty/verify/{token}"

    def _get_qr_code_png(self):
        """PNG image (bytes) of the QR code that opens the verification page."""
        self.ensure_one()
        code = qrcode.QRCode(
            error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4
        )
        code.add_data(self._get_verification_url())
        code.make(fit=True)
        buffer = io.BytesIO()
        code.make_image(fill_color="black", back_color="white").save(
            buffer, format="PNG"
        )
        return buffer.getvalue()

    def _get_qr_code_base64(self):
        return base64.b64encode(self._get_qr_code_png()).decode()

    def action_regenerate_token(self):
        """Issue a new verification link (the printed QR code stops working)."""
        self.check_access("write")
        for warranty in self:
            warranty.sudo().verification_token = _new_verification_token()
            warranty.message_post(
                body=_("New verification link issued: earlier prints are invalid.")
            )
        return True

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_void(self):
        """Void certificates by hand (e.g. a unit taken back outside a return)."""
        self.check_access("write")
        if not self.env.user.has_group("order_fulfilment.group_manager"):
            raise UserError(_("Only a fulfilment manager can void certificates."))
        for warranty in self:
            if warranty.state == "void":
                raise UserError(
                    _("Certificate %(name)s is already void.", name=warranty.name)
                )
        self.write(
            {
                "state": "void",
                "date_void": fields.Date.context_today(self),
                "void_reason": _("Voided by %(user)s", user=self.env.user.name),
            }
        )
        return True

    def action_view_claims(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_fulfilment.fulfilment_warranty_claim_action"
        )
        action["domain"] = [("warranty_id", "=", self.id)]
        action["context"] = {"default_warranty_id": self.id}
        if self.claim_count == 1:
            action.update(views=[(False, "form")], res_id=self.claim_ids.id)
        return action

    def action_new_claim(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "fulfilment.warranty.claim",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {"default_warranty_id": self.id},
        }

    def action_print(self):
        return self.env.ref(self._portal_report).report_action(self)

    # ------------------------------------------------------------
    # Issue on delivery, void on return, expire by date
    # ------------------------------------------------------------

    def _replace(self, claim, lot=None):
        """Void this certificate for a unit replaced under ``claim`` and issue
        the replacement unit's certificate: same customer, order and terms, the
        same period counted again from today.

        :return: the new certificate
        """
        self.ensure_one()
        today = fields.Date.context_today(self)
        warranty = self.sudo()
        replacement = warranty.with_context(mail_create_nolog=True).create(
            {
                "company_id": warranty.company_id.id,
                "partner_id": warranty.partner_id.id,
                "order_id": warranty.order_id.id,
                "sale_line_id": warranty.sale_line_id.id,
                "product_id": warranty.product_id.id,
                "lot_id": (lot or warranty.lot_id).id,
                "warranty_type": warranty.warranty_type,
                "months": warranty.months,
                "terms": warranty.terms,
                "date_start": today,
                "date_end": self._compute_date_end(today, warranty.months),
                "replaced_warranty_id": warranty.id,
            }
        )
        warranty.write(
            {
                "state": "void",
                "date_void": today,
                "void_reason": _(
                    "Unit replaced under claim %(claim)s (new certificate "
                    "%(certificate)s)",
                    claim=claim.name,
                    certificate=replacement.name,
                ),
            }
        )
        replacement.message_post(
            body=_(
                "Issued for the unit replacing %(certificate)s under claim %(claim)s.",
                certificate=warranty.name,
                claim=claim.name,
            )
        )
        return replacement.sudo(False)

    @api.model
    def _issue_for_moves(self, moves):
        """Create the missing certificates for done customer deliveries
        ``moves``: one per unit (untracked or lot-tracked, the lot carried on
        it) or per serial number. Running it again creates nothing new.

        :return: the certificates created
        """
        moves = moves.sudo().filtered(
            lambda m: (
                m.state == "done"
                and m.sale_line_id
                and m.location_dest_id.usage == "customer"
                and m.location_id.usage != "customer"
            )
        )
        if not moves:
            return self.browse()
        warranty_by_product = {}
        for product in moves.product_id:
            warranty_by_product[product] = (
                product.product_tmpl_id._get_fulfilment_warranty()
            )
        moves = moves.filtered(lambda m: warranty_by_product[m.product_id]["months"])
        if not moves:
            return self.browse()
        Warranty = self.sudo().with_context(mail_create_nolog=True)
        existing = defaultdict(int)
        for move, lot, count in Warranty._read_group(
            [("move_id", "in", moves.ids)], ["move_id", "lot_id"], ["__count"]
        ):
            existing[move.id, lot.id] = count
        vals_list = []
        for move in moves:
            warranty = warranty_by_product[move.product_id]
            order = move.sale_line_id.order_id
            partner = order.partner_id
            date_start = fields.Date.context_today(
                self, move.picking_id.date_done or move.date
            )
            base_vals = {
                "company_id": move.company_id.id,
                "partner_id": partner.id,
                "order_id": order.id,
                "sale_line_id": move.sale_line_id.id,
                "move_id": move.id,
                "product_id": move.product_id.id,
                "warranty_type": warranty["type"],
                "months": warranty["months"],
                "date_start": date_start,
                "date_end": self._compute_date_end(date_start, warranty["months"]),
                "terms": move.product_id.product_tmpl_id.with_context(
                    lang=partner.lang or self.env.lang
                )._get_fulfilment_warranty()["terms"],
            }
            for lot_id, units in self._units_by_lot(move).items():
                missing = units - existing[move.id, lot_id]
                vals_list += [
                    {**base_vals, "lot_id": lot_id} for _unit in range(missing)
                ]
        if not vals_list:
            return self.browse()
        warranties = Warranty.create(vals_list)
        for order, order_warranties in warranties.grouped("order_id").items():
            if order:
                order._message_log(
                    body=_(
                        "%(count)s warranty certificate(s) issued: %(names)s",
                        count=len(order_warranties),
                        names=", ".join(order_warranties.mapped("name")),
                    )
                )
        return warranties.sudo(False)

    @api.model
    def _units_by_lot(self, move):
        """Units delivered by ``move`` per lot id (False when untracked)."""
        units = defaultdict(float)
        product_uom = move.product_id.uom_id
        for line in move.move_line_ids:
            quantity = line.product_uom_id._compute_quantity(
                line.quantity, product_uom, rounding_method="HALF-UP"
            )
            units[line.lot_id.id] += quantity
        return {
            lot_id: int(float_round(quantity, precision_digits=0))
            for lot_id, quantity in units.items()
        }

    @api.model
    def _void_for_returns(self, return_moves):
        """Void the certificates of the units that done customer returns
        ``return_moves`` brought back (same order line, product and serial).
        A return move voids once: running it again changes nothing."""
        return_moves = return_moves.sudo().filtered(
            lambda m: (
                m.state == "done"
                and m.location_id.usage == "customer"
                and m.location_dest_id.usage != "customer"
                and (m.sale_line_id or m.origin_returned_move_id.sale_line_id)
            )
        )
        Warranty = self.sudo()
        if not return_moves:
            return Warranty
        handled = set(
            Warranty.search(
                [("return_move_id", "in", return_moves.ids)]
            ).return_move_id.ids
        )
        return_moves = return_moves.filtered(lambda m: m.id not in handled)
        # Every certificate the returns may void, in one query.
        not_void = Warranty.search(
            [
                (
                    "sale_line_id",
                    "in",
                    (
                        return_moves.sale_line_id
                        | return_moves.origin_returned_move_id.sale_line_id
                    ).ids,
                ),
                ("state", "!=", "void"),
            ],
            order="date_start desc, id desc",
        )
        voided = Warranty.browse()
        today = fields.Date.context_today(self)
        for move in return_moves:
            sale_line = move.sale_line_id or move.origin_returned_move_id.sale_line_id
            origin = move.origin_returned_move_id
            for lot_id, units in self._units_by_lot(move).items():
                if units <= 0:
                    continue
                candidates = (not_void - voided).filtered(
                    lambda w, sale_line=sale_line, move=move, lot_id=lot_id: (
                        w.sale_line_id == sale_line
                        and w.product_id == move.product_id
                        and w.lot_id.id == lot_id
                    )
                )
                # The units of the delivery being returned go first.
                candidates = (
                    candidates.filtered(lambda w, o=origin: w.move_id == o) | candidates
                )
                to_void = candidates[:units]
                to_void.write(
                    {
                        "state": "void",
                        "return_move_id": move.id,
                        "date_void": today,
                        "void_reason": _(
                            "Returned by %(picking)s",
                            picking=move.picking_id.name or move.reference,
                        ),
                    }
                )
                voided |= to_void
        return voided

    @api.model
    def _cron_expire(self, batch_size=EXPIRY_BATCH_SIZE):
        """Mark the certificates past their end date expired.

        Each run expires at most ``batch_size`` certificates and reports its
        progress to the scheduler, which runs it again at once while some
        remain. The state change is not tracked in the chatter: the end date
        already says it.

        :return: how many certificates this run expired
        """
        today = fields.Date.context_today(self)
        domain = [("state", "=", "active"), ("date_end", "<", today)]
        batch = self.search(domain, limit=batch_size, order="id")
        batch.with_context(tracking_disable=True).write({"state": "expired"})
        self.env["ir.cron"]._notify_progress(
            done=len(batch), remaining=self.search_count(domain)
        )
        return len(batch)

    # ------------------------------------------------------------
    # Portal and reports
    # ------------------------------------------------------------

    def _get_portal_state_label(self):
        return self._get_state_label()

"""Picking screen backend (client action ``order_fulfilment.picking_scanner``)."""

from datetime import datetime, time

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

SCANNER_LIST_LIMIT = 80


class StockPicking(models.Model):
    _inherit = "stock.picking"

    @api.model
    def _fulfilment_scanner_domain(
        self, search=None, carrier_id=None, priority=None, scheduled_date=None
    ):
        """Domain of the deliveries ready to pick, filtered as on the screen."""
        # Deliveries of a batch are picked through their batch.
        domain = [
            ("picking_type_code", "=", "outgoing"),
            ("state", "=", "assigned"),
            ("batch_id", "=", False),
        ]
        if carrier_id:
            domain.append(("carrier_id", "=", self._fulfilment_scanner_int(carrier_id)))
        if priority:
            domain.append(("priority", "=", "1"))
        if scheduled_date:
            day_end = datetime.combine(
                self._fulfilment_scanner_date(scheduled_date), time.max
            )
            domain.append(("scheduled_date", "<=", day_end))
        if search:
            # The picker may not read customers: the deliveries whose customer
            # matches are found as superuser, the list itself stays filtered by
            # the picker's rules.
            partners = (
                self.env["res.partner"].sudo()._search([("name", "ilike", search)])
            )
            for_partners = self.sudo()._search([("partner_id", "in", partners)])
            domain += [
                "|",
                "|",
                ("name", "ilike", search),
                ("origin", "ilike", search),
                ("id", "in", for_partners),
            ]
        return domain

    @api.model
    def _fulfilment_scanner_int(self, value):
        """A record id sent by the picking screen, or a clear error."""
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise UserError(_("Invalid carrier: %(value)r", value=value))
        try:
            number = int(value)
        except ValueError:
            raise UserError(_("Invalid carrier: %(value)r", value=value)) from None
        if not 0 < number < 2**31:
            raise UserError(_("Invalid carrier: %(value)r", value=value))
        return number

    @api.model
    def _fulfilment_scanner_date(self, value):
        """A day sent by the picking screen (YYYY-MM-DD), or a clear error."""
        try:
            return fields.Date.to_date(value)
        except (TypeError, ValueError):
            raise UserError(
                _("Invalid date: %(value)r (expected YYYY-MM-DD).", value=value)
            ) from None

    @api.model
    def fulfilment_scanner_pickings(
        self, search=None, carrier_id=None, priority=None, scheduled_date=None
    ):
        """Deliveries ready to pick, for the list of the picking screen.

        :return: dict with ``pickings`` (list of dicts), ``batches`` (the
            batches of deliveries to pick, see ``stock.picking.batch``) and
            ``carriers``
        """
        pickings = self.search(
            self._fulfilment_scanner_domain(
                search, carrier_id, priority, scheduled_date
            ),
            order="priority desc, scheduled_date, id",
            limit=SCANNER_LIST_LIMIT,
        )
        # Pickers may not read carriers (prices, accounts): names only.
        carriers = (
            self.env["delivery.carrier"]
            .sudo()
            .search_read(
                [("company_id", "in", [False, *self.env.companies.ids])],
                ["name"],
                order="name",
            )
        )
        return {
            "pickings": [picking._fulfilment_scanner_header() for picking in pickings],
            "batches": self.env["stock.picking.batch"].fulfilment_scanner_batches(),
            "carriers": carriers,
        }

    def fulfilment_scanner_data(self):
        """The picking and its lines, for the picking view of the screen."""
        self.ensure_one()
        self.check_access("read")
        return {
            **self._fulfilment_scanner_header(),
            "lines": [
                move._fulfilment_scanner_line()
                for move in self._fulfilment_scanner_moves()
            ],
        }

    def fulfilment_scan(self, barcode):
        """Record one scan of a product, packaging or lot/serial barcode.

        The matching line is incremented and saved at once; a wrong product, a
        quantity beyond the demand or an unknown code changes nothing.

        :return: dict with ``ok``, ``message`` (warning when not ok), ``line``
            (the new state of the line scanned) and ``picking`` (the totals)
        """
        self.ensure_one()
        self._fulfilment_check_scanner_access()
        barcode = (barcode or "").strip()
        if self.state not in ("assigned", "confirmed", "waiting"):
            return self._fulfilment_scan_refused(
                _("%(picking)s is not ready to pick.", picking=self.name)
            )
        move, quantity, lot, error = self._fulfilment_scan_match(barcode)
        if error:
            return self._fulfilment_scan_refused(error)
        error = move._fulfilment_check_pick(quantity, lot)
        if error:
            return self._fulfilment_scan_refused(error, move)
        # Pickers may not write moves themselves: the scan, checked above
        # against their access and the demand, is recorded as superuser.
        move.sudo()._fulfilment_pick(quantity, lot)
        return {
            "ok": True,
            "message": "",
            "line": move._fulfilment_scanner_line(),
            "picking": self._fulfilment_scanner_totals(),
        }

    def fulfilment_scanner_validate(self, backorder=None):
        """Validate what was scanned.

        :param backorder: ``None`` to ask when the picking is short; ``True``
            to ship what was picked and keep the rest in a backorder; ``False``
            to ship what was picked and cancel the rest.
        :return: dict with ``status``: ``short`` (ask), ``done`` (with the
            backorder's name when one was created)
        """
        self.ensure_one()
        self._fulfilment_check_scanner_access()
        moves = self._fulfilment_open_moves()
        if not moves.move_line_ids._fulfilment_scanned():
            raise UserError(
                _(
                    "Scan at least one item of %(picking)s before validating.",
                    picking=self.name,
                )
            )
        short = self._fulfilment_is_short()
        if short and backorder is None:
            return {"status": "short"}
        context = {"skip_backorder": True, "skip_sms": True, "skip_expired": True}
        if short and not backorder:
            context["picking_ids_not_to_backorder"] = self.ids
        # Validation values the stock (costs) and updates the sale order, which
        # a picker may not read: it runs as superuser once the picker's access
        # to this delivery has been checked above; the chatter still names the picker.
        moves._fulfilment_check_delivery_limit()
        result = self.sudo().with_context(**context).button_validate()
        if isinstance(result, dict):
            # Another confirmation Odoo would ask for (e.g. a setting of the company).
            raise UserError(
                _(
                    "%(picking)s needs a confirmation that only the back office "
                    "can give.",
                    picking=self.name,
                )
            )
        backorders = self.backorder_ids
        return {
            "status": "done",
            "state": self.state,
            "backorders": backorders.mapped("name"),
            "picking": self._fulfilment_scanner_header(),
        }

    def fulfilment_scanner_create_awb(self):
        """Create the delivery's AWB at its courier from the picking screen.

        Pickers may not read carriers (accounts, prices): once their access to
        the delivery is checked, the courier is called as superuser; the
        shipment bookkeeping still prevents a second AWB for the parcel.

        :return: the picking's header, with its AWB and label
        """
        self.ensure_one()
        self._fulfilment_check_scanner_access()
        picking = self.sudo()
        picking._fulfilment_check_sendable()
        picking.send_to_shipper()
        return self._fulfilment_scanner_header()

    def _fulfilment_check_scanner_access(self):
        """Pickers process the deliveries their rules let them read (they may
        not write on pickings themselves: scans go to the move lines); anyone
        else needs the right to change the picking."""
        self.check_access("read")
        if not self.env.user.has_group("order_fulfilment.group_picker"):
            self.check_access("write")

    def _fulfilment_open_moves(self):
        return self.move_ids.filtered(lambda move: move.state != "cancel")

    def _fulfilment_scanner_moves(self):
        """The lines of the screen, in walking order: by location, then product."""
        return self._fulfilment_open_moves().sorted(
            lambda move: (
                move.location_id.complete_name or "",
                move.product_id.display_name or "",
                move.id,
            )
        )

    def _fulfilment_scanner_header(self):
        """Shipping name and address only: the picker may not read the customer."""
        self.ensure_one()
        partner = self.sudo().partner_id
        carrier = self.sudo().carrier_id
        return {
            "id": self.id,
            "name": self.name,
            "origin": self.origin or "",
            "state": self.state,
            "priority": self.priority == "1",
            "tote": self.fulfilment_tote,
            "scheduled_date": fields.Datetime.to_string(self.scheduled_date),
            "carrier": carrier.name or "",
            "awb": self.carrier_tracking_ref or "",
            "has_label": bool(self.sudo().fulfilment_label_id),
            "can_create_awb": bool(
                carrier.fulfilment_is_courier
                and not self.carrier_tracking_ref
                and self.state != "cancel"
            ),
            "shipping_name": partner.name or "",
            "shipping_address": partner._display_address(without_company=True).strip()
            if partner
            else "",
            **self._fulfilment_scanner_totals(),
        }

    def _fulfilment_scanner_totals(self):
        self.ensure_one()
        moves = self._fulfilment_open_moves()
        return {
            "demand": sum(moves.mapped("product_uom_qty")),
            "picked": sum(move._fulfilment_picked_quantity() for move in moves),
            "line_count": len(moves),
        }

    def _fulfilment_scan_match(self, barcode):
        """Find the move a barcode is for.

        :return: (move, quantity in the move's unit, lot, error message)
        """
        moves = self._fulfilment_open_moves()
        if not barcode:
            return None, 0, None, _("Empty barcode.")
        for move in moves:
            if move.product_id.barcode == barcode:
                if move.has_tracking == "serial":
                    return (
                        None,
                        0,
                        None,
                        _(
                            "%(product)s is tracked by serial number: "
                            "scan the serial number.",
                            product=move.product_id.display_name,
                        ),
                    )
                return move, 1.0, None, None
        packaging = self.env["product.packaging"].search(
            [("barcode", "=", barcode), ("product_id", "in", moves.product_id.ids)],
            limit=1,
        )
        if packaging:
            move = moves.filtered(lambda m: m.product_id == packaging.product_id)[:1]
            quantity = packaging.product_uom_id._compute_quantity(
                packaging.qty, move.product_uom
            )
            return move, quantity, None, None
        lot = self.env["stock.lot"].search(
            [
                ("name", "=", barcode),
                ("product_id", "in", moves.product_id.ids),
                ("company_id", "in", [self.company_id.id, False]),
            ],
            limit=1,
        )
        if lot:
            move = moves.filtered(lambda m: m.product_id == lot.product_id)[:1]
            return move, 1.0, lot, None
        return None, 0, None, self._fulfilment_scan_not_found(barcode, self.name)

    @api.model
    def _fulfilment_scan_not_found(self, barcode, document):
        """The warning for a barcode that is nothing of ``document`` (the name
        of the delivery or batch being picked)."""
        # The picker may not read products outside the deliveries: name the
        # product scanned by mistake all the same.
        product = (
            self.env["product.product"]
            .sudo()
            .search(
                [
                    "|",
                    ("barcode", "=", barcode),
                    ("packaging_ids.barcode", "=", barcode),
                ],
                limit=1,
            )
        )
        if product:
            return _(
                "Wrong product: %(product)s is not in %(picking)s.",
                product=product.display_name,
                picking=document,
            )
        if self.env["stock.lot"].sudo().search_count([("name", "=", barcode)], limit=1):
            return _(
                "Wrong product: lot/serial %(lot)s is not for a product "
                "of %(picking)s.",
                lot=barcode,
                picking=document,
            )
        return _("Unknown barcode: %(barcode)s", barcode=barcode)

    def _fulfilment_is_short(self):
        """Whether less was scanned than the delivery needs."""
        self.ensure_one()
        return any(
            float_compare(
                move._fulfilment_picked_quantity(),
                move.product_uom_qty,
                precision_rounding=move.product_uom.rounding,
            )
            < 0
            for move in self._fulfilment_open_moves()
        )

    def _fulfilment_scan_refused(self, message, move=None):
        return {
            "ok": False,
            "message": message,
            "line": move._fulfilment_scanner_line() if move else False,
            "picking": self._fulfilment_scanner_totals(),
        }

"""Batch picking: several ready deliveries picked in one walk.

The batch is Odoo's ``stock.picking.batch``. Its pick list sums each product
over the deliveries, in walking order, and says how much goes into each
delivery's tote. On the picking screen a scan is counted on the first
delivery of the batch that still needs the product, and the screen says
which tote it goes into; validation ships each delivery on its own.
"""

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

SCANNER_BATCH_LIMIT = 40


class StockPickingBatch(models.Model):
    _inherit = "stock.picking.batch"

    # ------------------------------------------------------------
    # Totes and the pick list
    # ------------------------------------------------------------

    def _fulfilment_number_totes(self):
        """Give each delivery of the batches that has no tote the next number."""
        for batch in self:
            last = max(batch.picking_ids.mapped("fulfilment_tote"), default=0)
            for picking in batch.picking_ids.filtered(
                lambda p: not p.fulfilment_tote
            ).sorted("id"):
                last += 1
                picking.fulfilment_tote = last

    def _fulfilment_pickings(self):
        """The batch's deliveries still to ship, in tote order."""
        self.ensure_one()
        return self.picking_ids.filtered(
            lambda picking: picking.state not in ("done", "cancel")
        ).sorted(lambda picking: (picking.fulfilment_tote or 0, picking.id))

    def _fulfilment_pick_list_lines(self):
        """What to pick in one walk: one line per source location, product and
        lot, sorted by location then product, with the quantity summed over
        the deliveries and, per delivery, how much goes into its tote.

        :return: list of dicts with ``location``, ``product``, ``lot``,
            ``quantity``, ``uom`` and ``deliveries`` (list of dicts with
            ``picking``, ``tote`` and ``quantity``, in tote order)
        """
        self.ensure_one()
        lines = {}
        for picking in self._fulfilment_pickings():
            for line in picking._fulfilment_pick_list_lines():
                key = (line["location"], line["product"], line["lot"])
                total = lines.setdefault(
                    key, {**line, "quantity": 0.0, "deliveries": []}
                )
                total["quantity"] += line["quantity"]
                total["deliveries"].append(
                    {
                        "picking": picking,
                        "tote": picking.fulfilment_tote,
                        "quantity": line["quantity"],
                    }
                )
        return sorted(
            lines.values(),
            key=lambda line: (
                line["location"].complete_name or "",
                line["product"].display_name or "",
                line["lot"].name or "",
            ),
        )

    def _fulfilment_pick_list_report(self):
        """The pick list as the company chose it: A4 or 80 mm."""
        self.ensure_one()
        if self.company_id.fulfilment_thermal_pick_list:
            return self.env.ref(
                "order_fulfilment.action_report_fulfilment_batch_pick_list_thermal"
            )
        return self.env.ref("order_fulfilment.action_report_fulfilment_batch_pick_list")

    def action_fulfilment_print_pick_list(self):
        """Print the batch's pick list (A4 or 80 mm, as the company chose)."""
        self.ensure_one()
        return self._fulfilment_pick_list_report().report_action(self)

    # ------------------------------------------------------------
    # Picking screen (client action ``order_fulfilment.picking_scanner``)
    # ------------------------------------------------------------

    @api.model
    def _fulfilment_scanner_domain(self):
        """Batches of deliveries with something ready to pick."""
        return [
            ("picking_type_id.code", "=", "outgoing"),
            ("state", "in", ("draft", "in_progress")),
            ("picking_ids.state", "=", "assigned"),
        ]

    @api.model
    def fulfilment_scanner_batches(self):
        """The batches of the picking screen's list, oldest first."""
        batches = self.search(
            self._fulfilment_scanner_domain(),
            order="scheduled_date, id",
            limit=SCANNER_BATCH_LIMIT,
        )
        return [batch._fulfilment_scanner_header() for batch in batches]

    @api.model
    def fulfilment_scanner_create(self, picking_ids):
        """Put ready deliveries chosen on the picking screen in a new batch,
        given to the current user.

        Pickers may not create batches themselves: once their access to each
        delivery is checked, the batch is created as superuser.

        :return: the new batch's header
        """
        pickings = self.env["stock.picking"].browse(picking_ids).exists()
        if len(pickings) < 2:
            raise UserError(_("Choose at least two deliveries to pick together."))
        pickings._fulfilment_check_scanner_access()
        for picking in pickings:
            if picking.state != "assigned" or picking.picking_type_code != "outgoing":
                raise UserError(
                    _("%(picking)s is not ready to pick.", picking=picking.name)
                )
            batch = picking.sudo().batch_id
            if batch:
                raise UserError(
                    _(
                        "%(picking)s is already in batch %(batch)s.",
                        picking=picking.name,
                        batch=batch.name,
                    )
                )
        if len(pickings.company_id) > 1 or len(pickings.picking_type_id) > 1:
            raise UserError(
                _("Deliveries of different warehouses cannot be picked together.")
            )
        batch = self.sudo().create(
            {
                "user_id": self.env.uid,
                "company_id": pickings.company_id.id,
                "picking_type_id": pickings.picking_type_id.id,
                "picking_ids": [Command.set(pickings.ids)],
            }
        )
        batch.action_confirm()
        return batch.sudo(False)._fulfilment_scanner_header()

    def fulfilment_scanner_data(self):
        """The batch, its deliveries and its lines, for the batch view of the screen."""
        self.ensure_one()
        self._fulfilment_check_scanner_access()
        return {
            **self._fulfilment_scanner_header(),
            "deliveries": [
                picking._fulfilment_scanner_header()
                for picking in self._fulfilment_pickings()
            ],
            "lines": self._fulfilment_scanner_lines(),
        }

    def fulfilment_scan(self, barcode):
        """Record one scan in the batch: the unit goes to the first delivery,
        in tote order, that still needs it.

        :return: dict with ``ok``, ``message``, ``delivery`` (the header of the
            delivery the unit goes to, with its ``tote``), ``line`` (the new
            state of the product's line) and ``batch`` (the totals)
        """
        self.ensure_one()
        self._fulfilment_check_scanner_access()
        barcode = (barcode or "").strip()
        if self.state not in ("draft", "in_progress"):
            return self._fulfilment_scan_refused(
                _("Batch %(batch)s is not being picked.", batch=self.name)
            )
        candidates, lot, error = self._fulfilment_scan_match(barcode)
        if error:
            return self._fulfilment_scan_refused(error)
        refusal = None
        for move, quantity in candidates:
            refusal = move._fulfilment_check_pick(quantity, lot)
            if refusal is None:
                # As for one delivery: checked, then recorded as superuser.
                move.sudo()._fulfilment_pick(quantity, lot)
                picking = move.picking_id
                return {
                    "ok": True,
                    "message": _(
                        "Tote %(tote)s: %(picking)s",
                        tote=picking.fulfilment_tote,
                        picking=picking.name,
                    ),
                    "delivery": picking._fulfilment_scanner_header(),
                    "line": self._fulfilment_scanner_line(move.product_id),
                    "batch": self._fulfilment_scanner_totals(),
                }
        product = candidates[0][0].product_id
        if len(candidates) > 1:
            refusal = _(
                "Too many: every delivery of %(batch)s has all its %(product)s.",
                batch=self.name,
                product=product.display_name,
            )
        return self._fulfilment_scan_refused(refusal, product)

    def fulfilment_scanner_validate(self, backorder=None):
        """Ship each delivery of the batch with something scanned, on its own
        (its AWB, its backorder); deliveries with nothing scanned leave the
        batch and go back to the list.

        :param backorder: as for one delivery: ``None`` to ask when a delivery
            is short, ``True`` to keep the rest in backorders, ``False`` to
            cancel it
        :return: dict with ``status``: ``short`` (ask, with the names of the
            short deliveries) or ``done`` with the headers of the shipped
            deliveries (``shipped``), their backorders and those left out
        """
        self.ensure_one()
        self._fulfilment_check_scanner_access()
        pickings = self._fulfilment_pickings()
        scanned = pickings.filtered(
            lambda picking: (
                picking._fulfilment_open_moves().move_line_ids._fulfilment_scanned()
            )
        )
        if not scanned:
            raise UserError(
                _(
                    "Scan at least one item of %(batch)s before validating.",
                    batch=self.name,
                )
            )
        short = scanned.filtered(lambda picking: picking._fulfilment_is_short())
        if short and backorder is None:
            return {"status": "short", "short": short.mapped("name")}
        left_out = pickings - scanned
        context = {
            "skip_backorder": True,
            "skip_sms": True,
            "skip_expired": True,
            # Odoo's batch validation takes the empty deliveries out of the batch.
            "pickings_to_detach": left_out.ids,
        }
        if short and not backorder:
            context["picking_ids_not_to_backorder"] = short.ids
        # As for one delivery (stock_picking_scanner.py): validation values the
        # stock and updates the orders, which a picker may not read; it runs
        # as superuser once the access to the batch and its deliveries is
        # checked, and the chatter still names the picker.
        scanned.move_ids._fulfilment_check_delivery_limit()
        result = scanned.sudo().with_context(**context).button_validate()
        if isinstance(result, dict):
            raise UserError(
                _(
                    "Batch %(batch)s needs a confirmation that only the back office "
                    "can give.",
                    batch=self.name,
                )
            )
        return {
            "status": "done",
            "state": self.state,
            "shipped": [picking._fulfilment_scanner_header() for picking in scanned],
            "backorders": scanned.backorder_ids.mapped("name"),
            "left_out": left_out.mapped("name"),
        }

    def _fulfilment_check_scanner_access(self):
        """The user may read the batch and process each of its deliveries."""
        self.check_access("read")
        self._fulfilment_pickings()._fulfilment_check_scanner_access()

    def _fulfilment_scanner_header(self):
        self.ensure_one()
        pickings = self._fulfilment_pickings()
        return {
            "id": self.id,
            "name": self.name,
            "state": self.state,
            "user": self.sudo().user_id.name or "",
            "delivery_count": len(pickings),
            "scheduled_date": fields.Datetime.to_string(self.scheduled_date),
            **self._fulfilment_scanner_totals(),
        }

    def _fulfilment_scanner_totals(self):
        self.ensure_one()
        moves = self._fulfilment_pickings()._fulfilment_open_moves()
        return {
            "demand": sum(moves.mapped("product_uom_qty")),
            "picked": sum(move._fulfilment_picked_quantity() for move in moves),
            "line_count": len(moves.product_id),
        }

    def _fulfilment_scanner_lines(self):
        """One line per product, in walking order (its first location)."""
        moves = self._fulfilment_pickings()._fulfilment_open_moves()
        lines = [
            self._fulfilment_scanner_line(product, moves)
            for product in moves.product_id
        ]
        return sorted(lines, key=lambda line: (line["sort_location"], line["product"]))

    def _fulfilment_scanner_line(self, product, moves=None):
        """State of one product of the batch: the totals and, per delivery,
        its tote and what was picked of what it needs."""
        self.ensure_one()
        if moves is None:
            moves = self._fulfilment_pickings()._fulfilment_open_moves()
        moves = moves.filtered(lambda move: move.product_id == product)
        states = [move._fulfilment_scanner_line() for move in moves]
        locations = moves.move_line_ids.location_id or moves.location_id
        location_names = sorted(set(locations.mapped("display_name")))
        return {
            "id": product.id,
            "product_id": product.id,
            "product": states[0]["product"],
            "barcode": states[0]["barcode"],
            "tracking": states[0]["tracking"],
            "location": ", ".join(location_names),
            "sort_location": min(locations.mapped("complete_name"), default=""),
            "uom": states[0]["uom"],
            "demand": sum(state["demand"] for state in states),
            "picked": sum(state["picked"] for state in states),
            "deliveries": [
                {
                    "picking_id": move.picking_id.id,
                    "picking": move.picking_id.name,
                    "tote": move.picking_id.fulfilment_tote,
                    "demand": state["demand"],
                    "picked": state["picked"],
                    "lots": state["picked_lots"],
                }
                for move, state in zip(moves, states, strict=True)
            ],
        }

    def _fulfilment_scan_match(self, barcode):
        """The moves of the batch a barcode may be counted on, in tote order.

        :return: (list of (move, quantity in the move's unit), lot, error)
        """
        pickings = self._fulfilment_pickings()
        moves = pickings._fulfilment_open_moves().sorted(
            lambda move: (
                move.picking_id.fulfilment_tote or 0,
                move.picking_id.id,
                move.id,
            )
        )
        if not barcode:
            return [], None, _("Empty barcode.")
        by_product = moves.filtered(lambda move: move.product_id.barcode == barcode)
        if by_product:
            if by_product[0].has_tracking == "serial":
                return (
                    [],
                    None,
                    _(
                        "%(product)s is tracked by serial number: "
                        "scan the serial number.",
                        product=by_product[0].product_id.display_name,
                    ),
                )
            return [(move, 1.0) for move in by_product], None, None
        packaging = self.env["product.packaging"].search(
            [("barcode", "=", barcode), ("product_id", "in", moves.product_id.ids)],
            limit=1,
        )
        if packaging:
            return (
                [
                    (
                        move,
                        packaging.product_uom_id._compute_quantity(
                            packaging.qty, move.product_uom
                        ),
                    )
                    for move in moves.filtered(
                        lambda m: m.product_id == packaging.product_id
                    )
                ],
                None,
                None,
            )
        lot = self.env["stock.lot"].search(
            [
                ("name", "=", barcode),
                ("product_id", "in", moves.product_id.ids),
                ("company_id", "in", [self.company_id.id, False]),
            ],
            limit=1,
        )
        if lot:
            lot_moves = moves.filtered(lambda m: m.product_id == lot.product_id)
            if lot.product_id.tracking == "serial" and (
                lot in lot_moves.move_line_ids._fulfilment_scanned().lot_id
            ):
                return (
                    [],
                    None,
                    _("Serial number %(serial)s was already scanned.", serial=lot.name),
                )
            # The deliveries that reserved this lot come first.
            reserved = lot_moves.filtered(lambda m: lot in m.move_line_ids.lot_id)
            ordered = reserved + (lot_moves - reserved)
            return [(move, 1.0) for move in ordered], lot, None
        return [], None, pickings._fulfilment_scan_not_found(barcode, self.name)

    def _fulfilment_scan_refused(self, message, product=None):
        return {
            "ok": False,
            "message": message,
            "delivery": False,
            "line": self._fulfilment_scanner_line(product) if product else False,
            "batch": self._fulfilment_scanner_totals(),
        }

"""Order completion: delivery, invoice, documents, e-mail, status."""

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import (
    format_datetime,
)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    fulfilment_completed_date = fields.Datetime(
        string="Completed On",
        copy=False,
        readonly=True,
        index=True,
        help="When the order was completed: delivered, invoiced, and its documents "
        "sent to the customer.",
    )

    def action_fulfilment_complete(self):
        """Complete the orders ("Complete Order" button and list action).

        One order: completed, or refused with the reason and nothing changed.
        Several orders: each is completed or refused on its own; a result
        window lists which were completed and why the others were refused.
        """
        self._fulfilment_check_completion_access()
        if len(self) == 1:
            self._fulfilment_complete()
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "success",
                    "message": _(
                        "Order %(order)s completed: documents sent to %(email)s.",
                        order=self.name,
                        email=self.partner_id.email,
                    ),
                    "next": {"type": "ir.actions.client", "tag": "soft_reload"},
                },
            }
        return self.env["fulfilment.batch.result"]._open(
            self._fulfilment_complete_many(),
            _("Complete Orders"),
            success_summary=_(
                "order(s) completed: delivered, invoiced and their documents sent "
                "to the customer."
            ),
            refused_summary=_(
                "order(s) not completed and left unchanged; the reasons are below. "
                "Fix them and complete again."
            ),
            refused_action=(
                _("Open Refused Orders"),
                "action_fulfilment_view_not_completed",
            ),
        )

    def action_fulfilment_view_not_completed(self):
        """These orders, refused by a completion, in a list to fix them and
        complete them again."""
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "name": _("Orders Not Completed"),
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", self.ids)],
        }

    def _fulfilment_check_completion_access(self):
        if not self.env.user.has_group("order_fulfilment.group_user"):
            raise AccessError(_("Only fulfilment operators can complete orders."))
        self.check_access("write")

    def _fulfilment_complete(self):
        """Complete one order, all or nothing (see ``_fulfilment_completion_prepare``
        and ``_fulfilment_completion_finish``)."""
        self._fulfilment_completion_prepare()
        self._fulfilment_completion_finish()

    def _fulfilment_completion_prepare(self):
        """Check one order, validate its deliveries, invoice it, get its AWBs
        (``_fulfilment_completion_check``, ``_fulfilment_completion_execute``).
        Any failure raises a UserError; the caller rolls the order back."""
        self.ensure_one()
        self._fulfilment_completion_check()
        self._fulfilment_completion_execute()

    def _fulfilment_completion_check(self):
        """Hold one order and check that it can be completed now (problems,
        loss guards); raise a UserError saying why not."""
        self.ensure_one()
        order = self.with_company(self.company_id)
        order._fulfilment_completion_lock()
        problems = order._fulfilment_completion_problems()
        if problems:
            raise UserError(
                _(
                    "Order %(order)s cannot be completed:\n%(problems)s",
                    order=order.name,
                    problems="\n".join(f"- {problem}" for problem in problems),
                )
            )
        for guard in order._fulfilment_completion_loss_guards():
            order._fulfilment_loss_guard_refuse(guard, _("Order completion"))

    def _fulfilment_completion_execute(self):
        """Validate the ready deliveries of these checked orders (of one
        company), invoice them, get their AWBs: each step once for all of them.

        Inside the transaction, the ready deliveries are validated and the
        invoices created (one per order) and posted; only then is the courier
        asked for a missing AWB: its shipment attempt is kept in a transaction
        of its own, so that if a later step fails and everything here is
        rolled back, the next try adopts that AWB instead of creating a second
        one. Any failure raises a UserError; the caller rolls back.
        """
        orders = self.with_company(self[:1].company_id)
        deliveries = orders._fulfilment_courier_pickings()
        orders._fulfilment_completion_validate(
            deliveries.filtered(lambda picking: picking.state != "done")
        )
        without_awb = deliveries.filtered(
            lambda picking: (
                picking.carrier_id.fulfilment_is_courier
                and not picking.carrier_tracking_ref
            )
        )
        # A carrier that bills the courier's real price puts it on the order
        # when the AWB is created: that order's invoice must come after it.
        awb_first = orders.filtered(
            lambda order: any(
                carrier.invoice_policy == "real"
                for carrier in (without_awb & order.picking_ids).carrier_id
            )
        ).picking_ids
        orders._fulfilment_completion_get_awbs(without_awb & awb_first)
        orders._fulfilment_completion_invoice()
        orders._fulfilment_completion_get_awbs(without_awb - awb_first)

    def _fulfilment_completion_finish(self):
        """Attach and e-mail the documents of one prepared order, then fire
        the "completed" event. Any failure raises a UserError; the caller rolls
        the order back."""
        self.ensure_one()
        order = self.with_company(self.company_id)
        attachments = order._fulfilment_completion_attach(
            order._fulfilment_completion_documents()
        )
        # For the customer: the user completing the order does not follow it.
        order.with_context(mail_create_nosubscribe=True).message_post_with_source(
            self.env.ref("order_fulfilment.mail_template_order_completed"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=attachments.ids,
        )
        order.fulfilment_completed_date = fields.Datetime.now()
        order._fulfilment_trigger_event("completed", strict=True)

    def _fulfilment_completion_documents(self):
        """The documents completing the order attaches to it and e-mails.

        The extension point of order completion: override it, call ``super()``
        and append your own documents. It runs for one order, inside the
        completion's transaction, once its deliveries are done, its invoices
        posted and its AWBs created; records created here
        are rolled back with the rest if the completion fails, and raising a
        UserError refuses the completion.

        :return: list of dicts, one per document, with the keys ``name`` (file
            name), ``mimetype``, ``raw`` (the file's bytes), ``res_model`` and
            ``res_id`` (the record the document comes from)
        """
        self.ensure_one()
        return (
            self._fulfilment_transport_documents()
            + self._fulfilment_invoice_documents()
            + self._fulfilment_warranty_documents()
        )

    def _fulfilment_transport_documents(self):
        """Per delivery done: the courier's AWB label, else Odoo's delivery slip."""
        documents = []
        deliveries = self._fulfilment_courier_pickings().filtered(
            lambda picking: picking.state == "done"
        )
        for picking in deliveries.sudo():
            label = picking.fulfilment_label_id
            if label:
                documents.append(
                    {
                        "name": label.name,
                        "mimetype": label.mimetype or "application/pdf",
                        "raw": label.raw,
                        "res_model": "stock.picking",
                        "res_id": picking.id,
                    }
                )
                continue
            documents.append(
                self._fulfilment_report_document(
                    "stock.action_report_delivery", picking, _("Delivery Slip")
                )
            )
        return documents

    @api.model
    def _fulfilment_report_document(self, report_ref, record, title):
        """A completion document: the report ``report_ref`` of ``record``,
        named after ``title`` and the record."""
        content, report_type = record.env["ir.actions.report"]._render_qweb_pdf(
            report_ref, record.ids
        )
        # Test databases render HTML instead of calling wkhtmltopdf.
        is_pdf = report_type == "pdf"
        return {
            "name": "{} {}.{}".format(
                title, record.name.replace("/", "_"), "pdf" if is_pdf else "html"
            ),
            "mimetype": "application/pdf" if is_pdf else "text/html",
            "raw": content,
            "res_model": record._name,
            "res_id": record.id,
        }

    def _fulfilment_invoice_documents(self):
        """The legal PDF of each posted invoice of the order.

        Generated by Odoo's invoice sending engine, so the invoice keeps it
        (reprints and the portal show the very document the customer got).
        """
        invoices = self.sudo()._fulfilment_posted_invoices()
        missing = invoices.filtered(lambda move: not move.invoice_pdf_report_id)
        if missing:
            sender = self.env["account.move.send"].sudo()
            invoices_data = {
                move: sender._get_default_sending_settings(move, sending_methods=[])
                for move in missing
            }
            sender._generate_invoice_documents(invoices_data)
            for move, move_data in invoices_data.items():
                if not move.invoice_pdf_report_id:
                    error = move_data.get("error")
                    raise UserError(
                        _(
                            "The PDF of invoice %(invoice)s could not be "
                            "generated: %(error)s",
                            invoice=move.name,
                            error=sender._format_error_text(error)
                            if isinstance(error, dict)
                            else error or _("unknown error"),
                        )
                    )
        return [
            {
                "name": move.invoice_pdf_report_id.name,
                "mimetype": move.invoice_pdf_report_id.mimetype or "application/pdf",
                "raw": move.invoice_pdf_report_id.raw,
                "res_model": "account.move",
                "res_id": move.id,
            }
            for move in invoices
        ]

    def _fulfilment_completion_attach(self, documents):
        """Attach the documents to the order; return the attachments."""
        self.ensure_one()
        return self.env["ir.attachment"].create(
            [
                {
                    "name": document["name"],
                    "mimetype": document["mimetype"],
                    "raw": document["raw"],
                    "res_model": self._name,
                    "res_id": self.id,
                    "description": "{},{}".format(
                        document["res_model"], document["res_id"]
                    ),
                }
                for document in documents
            ]
        )

    def _fulfilment_completion_lock(self):
        """Hold the order's row: a second click or worker stops here at once."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM sale_order WHERE id IN %s FOR NO KEY UPDATE NOWAIT",
                    [tuple(self.ids)],
                )
        except psycopg2.errors.LockNotAvailable as exc:
            raise UserError(
                _("Order %s is being completed right now.", self[:1].name)
            ) from exc

    def _fulfilment_completion_problems(self):
        """Why the order cannot be completed now, as translated sentences."""
        self.ensure_one()
        if self.state == "cancel" or self.fulfilment_status_id.is_cancelled:
            return [_("The order is cancelled.")]
        if self.fulfilment_completed_date:
            return [
                _(
                    "The order was already completed on %s.",
                    format_datetime(self.env, self.fulfilment_completed_date),
                )
            ]
        if self.state != "sale":
            return [_("The order is not confirmed.")]
        problems = []
        status = self.fulfilment_status_id
        completed = self.env["fulfilment.status"]._get_status_for_event(
            "completed", self.company_id
        )
        if status.is_closed:
            problems.append(
                _("The order is already closed (status “%s”).", status.name)
            )
        elif completed and status and not status._allows_transition_to(completed):
            problems.append(
                _(
                    "Its status “%(from)s” does not allow moving to “%(to)s”.",
                    **{"from": status.name, "to": completed.name},
                )
            )
        if self.loss_blocked:
            problems.append(
                _(
                    "The order makes a loss and waits for a fulfilment manager to "
                    "approve it (loss guard)."
                )
            )
        if not (self.partner_id.email or "").strip():
            problems.append(
                _(
                    "The customer %s has no e-mail address to send the documents to.",
                    self.partner_id.display_name,
                )
            )
        missing = self._fulfilment_address_missing(self.partner_shipping_id)
        if missing:
            problems.append(
                _(
                    "The delivery address %(address)s is incomplete: %(missing)s "
                    "missing.",
                    address=self.partner_shipping_id.display_name,
                    missing=", ".join(missing),
                )
            )
        problems += self._fulfilment_completion_delivery_problems()
        return problems

    def _fulfilment_completion_delivery_problems(self):
        deliveries = self._fulfilment_courier_pickings()
        if not deliveries:
            return [_("The order has no delivery: nothing is delivered.")]
        open_deliveries = deliveries.filtered(lambda picking: picking.state != "done")
        not_ready = open_deliveries.filtered(
            lambda picking: not picking._fulfilment_is_ready_to_complete()
        )
        if not_ready == deliveries:
            return [
                _(
                    "Nothing is delivered or ready to deliver yet (a delivery is "
                    "ready when all its quantities are reserved): %s.",
                    ", ".join(not_ready.mapped("name")),
                )
            ]
        problems = [
            _(
                "Delivery %s is neither done nor ready (all quantities reserved).",
                picking.name,
            )
            for picking in not_ready
        ]
        for picking in deliveries.filtered(
            lambda p: p.carrier_id.fulfilment_is_courier and not p.carrier_tracking_ref
        ):
            if picking.fulfilment_shipment_state == "sending":
                problems.append(
                    _("%s is being sent to the courier right now.", picking.name)
                )
        return problems

    @api.model
    def _fulfilment_address_missing(self, partner):
        """The parts of a postal address ``partner`` lacks (translated labels)."""
        missing = []
        if not (partner.street or "").strip():
            missing.append(_("street"))
        if not (partner.city or "").strip():
            missing.append(_("city"))
        if not partner.country_id:
            missing.append(_("country"))
        elif partner.country_id.zip_required and not (partner.zip or "").strip():
            missing.append(_("postcode"))
        if partner.country_id.state_required and not partner.state_id:
            missing.append(_("state"))
        return missing

    def _fulfilment_completion_loss_guards(self):
        """The loss guards completing the order goes through."""
        self.ensure_one()
        guards = ["invoice", "closed"]
        if any(p.state != "done" for p in self._fulfilment_courier_pickings()):
            guards.insert(0, "delivery")
        return guards

    def _fulfilment_completion_loss_blocked(self):
        """Whether the loss guard stops completing the order."""
        self.ensure_one()
        return not self.loss_blocked and any(
            self._fulfilment_loss_guard_get_blocked(guard)
            for guard in self._fulfilment_completion_loss_guards()
        )

    def _fulfilment_completion_validate(self, pickings):
        """Validate the ready deliveries with their full quantities, no backorder."""
        if not pickings:
            return
        pickings = pickings.sudo()
        pickings.move_ids.filtered(
            lambda move: move.state not in ("done", "cancel")
        ).picked = True
        # The courier is asked for the AWB once the invoice is posted
        # (_fulfilment_completion_get_awbs), not while validating.
        pickings.filtered(
            lambda picking: (
                picking.carrier_id.fulfilment_is_courier
                and not picking.carrier_tracking_ref
            )
        ).fulfilment_awb_after_invoice = True
        pickings.with_context(
            skip_backorder=True,
            picking_ids_not_to_backorder=pickings.ids,
            skip_sms=True,
        ).button_validate()
        not_done = pickings.filtered(lambda picking: picking.state != "done")
        if not_done:
            raise UserError(
                _(
                    "Delivery %s could not be validated; validate it from the "
                    "delivery to see why.",
                    ", ".join(not_done.mapped("name")),
                )
            )

    def _fulfilment_completion_invoice(self):
        """Invoice what is left to invoice of these orders, one invoice per
        order (never two orders on one invoice), and post their draft invoices
        together.

        :return: the orders' posted customer invoices
        """
        orders = self.sudo()
        to_post = orders.invoice_ids.filtered(
            lambda move: move.state == "draft" and move.move_type == "out_invoice"
        )
        to_invoice = orders.filtered(lambda order: order.invoice_status == "to invoice")
        if to_invoice:
            to_post |= to_invoice._create_invoices(grouped=True, final=True)
        if to_post:
            # The loss guard answers with a dialog instead of posting.
            to_post.action_post()
            not_posted = to_post.filtered(lambda move: move.state != "posted")
            if not_posted:
                raise UserError(
                    _(
                        "Invoice %s could not be posted.",
                        ", ".join(not_posted.mapped("display_name")),
                    )
                )
        for order in orders:
            if not order._fulfilment_posted_invoices():
                raise UserError(
                    _("Order %s has nothing to invoice.", order.name),
                )
        return orders._fulfilment_posted_invoices()

    def _fulfilment_completion_get_awbs(self, pickings):
        """Get the AWB (and label) of courier deliveries that have none."""
        for picking in pickings.sudo():
            picking.fulfilment_awb_after_invoice = False
            picking.send_to_shipper()
            if not picking.carrier_tracking_ref:
                raise UserError(
                    _(
                        "%(courier)s returned no AWB for %(picking)s.",
                        courier=picking.carrier_id.name,
                        picking=picking.name,
                    )
                )

"""Completing several orders at once: each order checked on its own, their
deliveries validated, invoices created and posted and PDFs rendered together,
each order falling back to completing on its own when the batch fails."""

from odoo import _, models
from odoo.exceptions import UserError, ValidationError


class _FinishRefused(Exception):
    """An order refused after its preparation, within a batch."""

    def __init__(self, order_id, message):
        super().__init__(message)
        self.order_id = order_id
        self.message = message


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _fulfilment_complete_many(self):
        """Complete each order on its own, doing the work of all of them
        together where it can.

        Each order is checked in its own savepoint; the checked orders of a
        company are then prepared together (deliveries validated, invoices
        created and posted, AWBs) in one savepoint, or each in its own when
        that fails, so that a refused order is rolled back alone. The invoice
        PDFs of the prepared orders are then rendered together (one
        wkhtmltopdf run where the build allows, see ``ir.actions.report``),
        and each order is finished (documents, e-mail, status). An order
        refused while being finished cannot be rolled back alone any more:
        the whole batch is rolled back and done again without it (a courier's
        AWB is adopted, never created twice).

        :return: list of (order, completed, message), in the orders' order
        """
        finish_refused = {}
        # A batch rolled back would forget the pending chatter tracking of
        # what came before it: record it now.
        self.env.flush_all()
        self.env.cr.precommit.run()
        while True:
            try:
                with self.env.cr.savepoint():
                    results = (
                        self - self.browse(finish_refused)
                    )._fulfilment_complete_batch()
            except _FinishRefused as refusal:
                finish_refused[refusal.order_id] = refusal.message
                continue
            break
        results.update(
            (self.browse(order_id), (False, message))
            for order_id, message in finish_refused.items()
        )
        return [(order, *results[order]) for order in self]

    def _fulfilment_complete_batch(self):
        """Check each order, prepare the checked ones together, render their
        documents, finish each order.

        :return: {order: (completed, message)}
        :raise _FinishRefused: an order was refused after its preparation
        """
        results = {}
        checked = self.browse()
        for order in self:
            if order._fulfilment_completion_try(
                order._fulfilment_completion_check, results
            ):
                checked |= order
        prepared = self.browse()
        for orders in checked.grouped("company_id").values():
            prepared |= orders._fulfilment_completion_execute_together(results)
        prepared = self & prepared
        prepared._fulfilment_completion_render_documents()
        for order in prepared:
            try:
                order._fulfilment_completion_finish()
            except UserError as exc:
                raise _FinishRefused(order.id, exc.args[0]) from exc
            results[order] = (True, _("Completed."))
        return results

    def _fulfilment_completion_try(self, step, results):
        """Run ``step`` for this order in a savepoint; when it raises a
        UserError, roll it back, record the refusal in ``results`` and keep
        the loss guard's block.

        :return: whether the step went through
        """
        self.ensure_one()
        # Rolling a savepoint back forgets the pending chatter tracking of
        # the orders handled before it: record it now.
        self.env.flush_all()
        self.env.cr.precommit.run()
        try:
            with self.env.cr.savepoint():
                step()
        except UserError as exc:
            results[self] = (False, exc.args[0])
            # The refusal is undone with the rest: keep the loss guard's
            # block and the managers' activity.
            if self._fulfilment_completion_loss_blocked():
                self._fulfilment_loss_block(_("Order completion"))
            return False
        return True

    def _fulfilment_completion_execute_together(self, results):
        """Prepare these checked orders of one company together: their
        deliveries validated, their invoices created in one go (one per
        order) and posted together, their AWBs. When that fails, nothing of
        it is kept and each order is prepared on its own, so that the one
        failing is refused alone with its own reason (``results``).

        :return: the prepared orders
        """
        if len(self) > 1:
            self.env.flush_all()
            self.env.cr.precommit.run()
            try:
                with self.env.cr.savepoint():
                    self._fulfilment_completion_execute()
            except UserError:
                pass
            else:
                return self
        prepared = self.browse()
        for order in self:
            if order._fulfilment_completion_try(
                order._fulfilment_completion_execute, results
            ):
                prepared |= order
        return prepared

    def _fulfilment_completion_render_documents(self):
        """Render the documents of these prepared orders together, before each
        order collects its own: the PDFs of their posted invoices, kept on the
        invoices by Odoo's invoice engine. A batch that fails to render is
        left to each order, whose own rendering then says which one fails."""
        invoices = (
            self.sudo()
            ._fulfilment_posted_invoices()
            .filtered(lambda move: not move.invoice_pdf_report_id)
        )
        sender = self.env["account.move.send"].sudo()
        for moves in invoices.grouped("company_id").values():
            if len(moves) < 2:
                continue
            try:
                with self.env.cr.savepoint():
                    sender._generate_invoice_documents(
                        {
                            move: sender._get_default_sending_settings(
                                move, sending_methods=[]
                            )
                            for move in moves
                        }
                    )
            except (UserError, ValidationError):
                continue

from psycopg2.extensions import TransactionRollbackError

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged


@tagged("post_install", "-at_install")
class TestRmaConcurrentRequests(BaseCase):
    """Two requests returning the last unit at the same time: one return only.

    The race needs two real transactions, so this class works outside the
    test transaction, on an order of its own that it commits, and deletes
    everything it created at the end.
    """

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].create({"name": "Concurrent Returns Client"})
            product = env["product.product"].create(
                {
                    "name": "Concurrent Returns Service",
                    "type": "service",
                    "service_type": "manual",
                    "invoice_policy": "order",
                }
            )
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": 1,
                                "price_unit": 10.0,
                                "tax_id": False,
                            }
                        )
                    ],
                }
            )
            order.action_confirm()
            # One unit delivered (by hand: a service product), so one to return.
            order.order_line.qty_delivered = 1
            self.partner_id, self.product_id = partner.id, product.id
            self.order_id, self.line_id = order.id, order.order_line.id
        self.addCleanup(self._delete_records)

    def _delete_records(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            rmas = env["fulfilment.rma"].search([("order_id", "=", self.order_id)])
            rmas.write({"state": "cancelled"})
            rmas.unlink()
            order = env["sale.order"].browse(self.order_id)
            order._action_cancel()
            order.unlink()
            env["product.product"].browse(self.product_id).product_tmpl_id.unlink()
            env["res.partner"].browse(self.partner_id).unlink()

    def _request_return(self, env):
        rma = env["fulfilment.rma"].create(
            {
                "order_id": self.order_id,
                "requested_resolution": "refund",
                "line_ids": [
                    Command.create({"sale_line_id": self.line_id, "quantity": 1})
                ],
            }
        )
        rma.action_request()
        return rma

    def _open_returns(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return env["fulfilment.rma"].search_count(
                [("order_id", "=", self.order_id), ("state", "=", "requested")]
            )

    def test_second_request_started_before_first_commit_is_retried(self):
        """A request whose snapshot predates another's committed return of the
        same unit fails with a serialization error (which Odoo retries); the
        retry is refused with a message: one open return in the end."""
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            # Both transactions take their snapshot before either returns.
            cr1.execute("SELECT 1")
            cr2.execute("SELECT 1")
            self._request_return(env1)
            cr1.commit()
            with self.assertRaises(TransactionRollbackError):
                self._request_return(env2)
            cr2.rollback()
            # What Odoo's retry does: the same request in a new transaction.
            with self.assertRaisesRegex(UserError, "cannot be returned"):
                self._request_return(api.Environment(cr2, SUPERUSER_ID, {}))
            cr2.rollback()
        self.assertEqual(self._open_returns(), 1)

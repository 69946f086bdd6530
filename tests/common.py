from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class FulfilmentCommon(TransactionCase):
    """Orders, customers and users shared by the order_fulfilment tests.

    A plain ``TransactionCase`` (not ``BaseCommon``) so that mail tracking stays
    on: the audit trail and the status notifications are part of what is tested.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.status_new = cls.env.ref("order_fulfilment.status_new")
        cls.status_awaiting_payment = cls.env.ref(
            "order_fulfilment.status_awaiting_payment"
        )
        cls.status_paid = cls.env.ref("order_fulfilment.status_paid")
        cls.status_processing = cls.env.ref("order_fulfilment.status_processing")
        cls.status_shipping = cls.env.ref("order_fulfilment.status_shipping")
        cls.status_completed = cls.env.ref("order_fulfilment.status_completed")
        cls.status_returned = cls.env.ref("order_fulfilment.status_returned")
        cls.status_cancelled = cls.env.ref("order_fulfilment.status_cancelled")

        cls.operator = new_test_user(
            cls.env,
            login="fulfilment_operator",
            name="Olga Operator",
            email="olga@example.com",
            groups="base.group_user,order_fulfilment.group_user,stock.group_stock_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="fulfilment_manager",
            name="Mara Manager",
            email="mara@example.com",
            groups="base.group_user,order_fulfilment.group_manager,sales_team.group_sale_manager",
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Ana Client",
                "email": "ana.client@example.com",
                "mobile": "+40 721 000 111",
                "street": "Str. Victoriei 12",
                "city": "București",
                "zip": "010061",
                "country_id": cls.env.ref("base.ro").id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Wireless Earbuds",
                "type": "consu",
                "is_storable": True,
                "list_price": 100.0,
                "standard_price": 55.0,
                "invoice_policy": "order",
            }
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.warehouse.lot_stock_id, 100
        )

    @classmethod
    def _create_order(cls, partner=None, quantity=1, price=100.0, user=None, **values):
        env = cls.env(user=user) if user else cls.env
        return env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "product_uom_qty": quantity,
                            "price_unit": price,
                            "tax_id": False,
                        }
                    )
                ],
                **values,
            }
        )

    def _pay(self, order):
        """Invoice the order and register the full payment."""
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        return invoice

    # Profit, loss guard, deadlines and auto-cancel ----------------------

    @classmethod
    def _create_payment_policy(cls, method, company=None, **values):
        return cls.env["fulfilment.payment.policy"].create(
            {
                "payment_method_id": method.id,
                "company_id": (company or cls.company).id,
                **values,
            }
        )

    @classmethod
    def _create_payment_method(cls, name, code):
        return cls.env["payment.method"].create({"name": name, "code": code})

    def _deliver(self, order, user=None):
        """Validate the order's outgoing deliveries with their full quantities.

        :return: what ``button_validate`` returned (True, or a wizard action)
        """
        pickings = order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        if user:
            pickings = pickings.with_user(user)
        pickings.action_assign()
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        return pickings.button_validate()

from odoo import Command, fields
from odoo.tests import tagged

from .common import FulfilmentCommon


@tagged("post_install", "-at_install")
class TestProfit(FulfilmentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"fulfilment_profit_tax_mode": "none"})
        cls.fifo_category = cls.env["product.category"].create(
            {
                "name": "FIFO goods",
                "property_cost_method": "fifo",
                "property_valuation": "manual_periodic",
            }
        )
        cls.fifo_product = cls.env["product.product"].create(
            {
                "name": "Smart Watch",
                "type": "consu",
                "is_storable": True,
                "categ_id": cls.fifo_category.id,
                "list_price": 100.0,
                "standard_price": 55.0,
                "invoice_policy": "order",
            }
        )

    def _receive(self, product, quantity, unit_cost):
        """Receive goods through a real receipt, valued at ``unit_cost``."""
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.warehouse.lot_stock_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                            "price_unit": unit_cost,
                            "location_id": self.env.ref(
                                "stock.stock_location_suppliers"
                            ).id,
                            "location_dest_id": self.warehouse.lot_stock_id.id,
                        }
                    )
                ],
            }
        )
        receipt.action_confirm()
        receipt.move_ids.quantity = quantity
        receipt.move_ids.picked = True
        receipt.button_validate()
        return receipt

    def _create_product_order(self, product, quantity, price, **values):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "price_unit": price,
                            "tax_id": False,
                        }
                    )
                ],
                **values,
            }
        )

    def test_profit_before_delivery_uses_line_cost(self):
        """Before delivery the cost of goods is sale_margin's line cost."""
        order = self._create_order(quantity=2, price=100.0)
        order.action_confirm()
        self.assertEqual(order.profit_revenue, 200.0)
        self.assertEqual(order.profit_goods_cost, 110.0)
        self.assertEqual(order.profit_cost, 110.0)
        self.assertEqual(order.profit_net, 90.0)
        self.assertEqual(order.profit_margin, 45.0)

    def test_delivered_cost_of_goods_is_stock_valuation(self):
        """Once delivered, the cost of goods equals the stock valuation of the moves."""
        order = self._create_product_order(self.fifo_product, 2, 100.0)
        order.action_confirm()
        self.assertEqual(order.profit_goods_cost, 110.0, "estimate: 2 x 55")
        self._receive(self.fifo_product, 5, 40.0)
        self.assertIs(self._deliver(order), True)
        layers = order.order_line.move_ids.stock_valuation_layer_ids
        self.assertTrue(layers)
        self.assertEqual(sum(layers.mapped("value")), -80.0, "FIFO: 2 x 40")
        self.assertEqual(order.profit_goods_cost, 80.0)
        self.assertEqual(order.profit_net, 120.0)

    def test_refund_lowers_revenue(self):
        """A posted credit note for part of the order lowers its revenue."""
        order = self._create_order(quantity=2, price=100.0)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(order.profit_revenue, 200.0)
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"reason": "One unit damaged", "journal_id": invoice.journal_id.id})
        )
        refund = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        refund.invoice_line_ids.filtered("product_id").quantity = 1
        refund.action_post()
        self.assertEqual(order.profit_revenue, 100.0)
        self.assertEqual(order.profit_net, 100.0 - 110.0)

    def test_awb_price_lands_in_cost(self):
        """The courier's AWB price replaces the delivery line in the courier cost."""
        carrier = self.env["delivery.carrier"].create(
            {
                "name": "Test Courier",
                "delivery_type": "fixed",
                "fixed_price": 12.0,
                "product_id": self.env["product.product"]
                .create({"name": "Shipping", "type": "service"})
                .id,
            }
        )
        order = self._create_order(quantity=1, price=100.0)
        order.set_delivery_line(carrier, 12.0)
        order.action_confirm()
        self.assertEqual(order.profit_revenue, 112.0)
        self.assertEqual(order.profit_courier_cost, 12.0, "carrier's computed price")
        order.write({"fulfilment_courier_cost": 17.5})
        self.assertEqual(order.profit_courier_cost, 17.5)
        self.assertEqual(order.profit_cost, 55.0 + 17.5)
        self.assertEqual(order.profit_net, 112.0 - 55.0 - 17.5)

    def test_cod_fee_lands_in_cost(self):
        """A cash-on-delivery method's fixed + percent fee is a cost of the order."""
        cod = self._create_payment_method("Cash on Delivery", "fulfilment_test_cod")
        policy = self._create_payment_policy(
            cod, fee_fixed=3.0, fee_percent=2.0, is_cash_on_delivery=True
        )
        order = self._create_order(quantity=2, price=100.0)
        order.action_confirm()
        self.assertEqual(order.profit_payment_fee, 0.0)
        order.fulfilment_payment_method_id = cod
        self.assertEqual(order.fulfilment_payment_policy_id, policy)
        self.assertEqual(order.profit_payment_fee, 7.0, "3 + 2% of 200")
        self.assertEqual(order.profit_cost, 110.0 + 7.0)
        policy.fee_fixed = 5.0
        self.assertEqual(order.profit_payment_fee, 9.0, "recomputed on fee change")

    def test_other_costs_and_turnover_tax(self):
        """Hand-entered costs and a turnover tax give the profit after tax."""
        self.company.write(
            {"fulfilment_profit_tax_mode": "revenue", "fulfilment_profit_tax_rate": 3.0}
        )
        order = self._create_order(quantity=2, price=100.0)
        order.action_confirm()
        order.fulfilment_other_cost = 4.0
        self.assertEqual(order.profit_before_tax, 200.0 - 110.0 - 4.0)
        self.assertEqual(order.profit_tax, 6.0, "3% of the revenue")
        self.assertEqual(order.profit_net, 80.0)
        self.company.write(
            {"fulfilment_profit_tax_mode": "profit", "fulfilment_profit_tax_rate": 16.0}
        )
        self.assertEqual(order.profit_tax, 13.76, "16% of 86")

    def test_multi_currency_order_in_company_currency(self):
        """An order in another currency is converted: profit in company currency."""
        foreign = self.env["res.currency"].create(
            {"name": "FCX", "symbol": "F", "rounding": 0.01}
        )
        self.env["res.currency.rate"].create(
            {
                "currency_id": foreign.id,
                "rate": 0.5 * self.company.currency_id.rate,
                "name": fields.Date.today(),
                "company_id": self.company.id,
            }
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Foreign", "currency_id": foreign.id}
        )
        order = self._create_order(quantity=2, price=100.0, pricelist_id=pricelist.id)
        order.action_confirm()
        self.assertEqual(order.currency_id, foreign)
        self.assertEqual(order.profit_currency_id, self.company.currency_id)
        self.assertEqual(order.profit_revenue, 400.0, "200 FCX at 2 per company unit")
        self.assertEqual(order.profit_goods_cost, 110.0)
        self.assertEqual(order.profit_net, 290.0)

    def test_two_companies_use_their_own_settings(self):
        """Fees, taxes and currency follow each order's own company."""
        card = self._create_payment_method("Card (test)", "fulfilment_test_card")
        self._create_payment_policy(card, fee_fixed=1.0)
        other_currency = self.env["res.currency"].create(
            {"name": "FCY", "symbol": "Y", "rounding": 0.01}
        )
        company_b = self.env["res.company"].create(
            {
                "name": "Second Shop",
                "currency_id": other_currency.id,
                "fulfilment_profit_tax_mode": "revenue",
                "fulfilment_profit_tax_rate": 1.0,
            }
        )
        self._create_payment_policy(card, company=company_b, fee_fixed=2.0)
        order_a = self._create_order(quantity=1, price=100.0)
        env_b = self.env(
            context=dict(self.env.context, allowed_company_ids=company_b.ids)
        )
        order_b = (
            env_b["sale.order"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company_b.id,
                    "order_line": [
                        Command.create(
                            {
                                "name": "Consulting",
                                "product_id": self.env["product.product"]
                                .with_company(company_b)
                                .create(
                                    {
                                        "name": "Consulting",
                                        "type": "service",
                                        "standard_price": 30.0,
                                        "company_id": company_b.id,
                                    }
                                )
                                .id,
                                "product_uom_qty": 1,
                                "price_unit": 100.0,
                                "tax_id": False,
                            }
                        )
                    ],
                }
            )
        )
        (order_a | order_b).write({"fulfilment_payment_method_id": card.id})
        self.assertEqual(order_b.profit_currency_id, other_currency)
        self.assertEqual(order_a.profit_payment_fee, 1.0)
        self.assertEqual(order_b.profit_payment_fee, 2.0)
        self.assertEqual(order_a.profit_tax, 0.0)
        self.assertEqual(order_b.profit_tax, 1.0)
        self.assertEqual(order_b.profit_net, 100.0 - 30.0 - 2.0 - 1.0)

    def test_profit_report_renders(self):
        """The Profit report prints the breakdown of one or several orders."""
        orders = self._create_order(quantity=2, price=100.0) | self._create_order()
        orders.action_confirm()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "order_fulfilment.action_report_fulfilment_profit", orders.ids
            )[0]
            .decode()
        )
        for order in orders:
            self.assertIn(f"Profit report: <span>{order.name}</span>", html)
        self.assertIn("Cost of goods", html)
        self.assertIn("Net profit", html)

    def test_sales_analysis_profit_by_category(self):
        """Sales analysis splits each order's net profit over its product categories."""
        order = self._create_order(quantity=2, price=100.0)
        order.order_line = [
            Command.create(
                {
                    "product_id": self.fifo_product.id,
                    "product_uom_qty": 1,
                    "price_unit": 200.0,
                    "tax_id": False,
                }
            )
        ]
        order.action_confirm()
        self.env.flush_all()
        groups = self.env["sale.report"]._read_group(
            [("order_reference", "=", f"sale.order,{order.id}")],
            ["categ_id"],
            ["profit_net:sum"],
        )
        by_category = {category: profit for category, profit in groups}
        self.assertEqual(order.profit_net, 400.0 - 110.0 - 55.0)
        self.assertAlmostEqual(by_category[self.fifo_category], order.profit_net / 2)
        self.assertAlmostEqual(sum(by_category.values()), order.profit_net)

from datetime import timedelta

from odoo import Command, fields

from .common import FulfilmentCommon


class FulfilmentRmaCommon(FulfilmentCommon):
    """Delivered orders to return: real pickings, quants and invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_b = cls.env["product.product"].create(
            {
                "name": "Phone Case",
                "type": "consu",
                "is_storable": True,
                "list_price": 30.0,
                "standard_price": 8.0,
                "invoice_policy": "order",
            }
        )
        cls.product_premium = cls.env["product.product"].create(
            {
                "name": "Wireless Earbuds Pro",
                "type": "consu",
                "is_storable": True,
                "list_price": 150.0,
                "standard_price": 80.0,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
            }
        )
        cls.product_basic = cls.env["product.product"].create(
            {
                "name": "Wired Earphones",
                "type": "consu",
                "is_storable": True,
                "list_price": 60.0,
                "standard_price": 20.0,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
            }
        )
        for product in cls.product_b | cls.product_premium | cls.product_basic:
            cls.env["stock.quant"]._update_available_quantity(
                product, cls.warehouse.lot_stock_id, 50
            )
        cls.stock_location = cls.warehouse.lot_stock_id

    @classmethod
    def _create_delivered_order(cls, lines=None, partner=None, **values):
        """Confirm an order of ``lines`` [(product, quantity, price)] and
        deliver it completely through its picking."""
        lines = lines or [(cls.product, 3, 100.0)]
        order = cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "price_unit": price,
                            "tax_id": False,
                        }
                    )
                    for product, quantity, price in lines
                ],
                **values,
            }
        )
        order.action_confirm()
        cls._validate_picking(order.picking_ids)
        return order

    @classmethod
    def _validate_picking(cls, pickings):
        for picking in pickings:
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.move_ids.picked = True
            picking.button_validate()

    @classmethod
    def _age_delivery(cls, order, days):
        """Pretend the order was delivered ``days`` ago."""
        order.picking_ids.filtered(lambda p: p.state == "done").move_ids.write(
            {"date": fields.Datetime.now() - timedelta(days=days)}
        )

    def _create_rma(self, order, quantities, resolution="refund", user=None, **values):
        """Create and submit a return of ``quantities`` {product: qty}."""
        env = self.env(user=user) if user else self.env
        rma = env["fulfilment.rma"].create(
            {
                "order_id": order.id,
                "requested_resolution": resolution,
                "line_ids": [
                    Command.create(
                        {
                            "sale_line_id": order.order_line.filtered(
                                lambda line, p=product: line.product_id == p
                            ).id,
                            "quantity": quantity,
                        }
                    )
                    for product, quantity in quantities.items()
                ],
                **values,
            }
        )
        rma.action_request()
        return rma

    def _receive(self, rma):
        """Validate the return pickings of ``rma``."""
        returns = rma.picking_ids.filtered(lambda p: p.picking_type_code == "incoming")
        self._validate_picking(returns)
        return returns

    def _stock(self, product):
        return product.with_context(location=self.stock_location.id).qty_available

"""Profit recompute vs Odoo's sale_margin margin compute, on the same 10,000 orders.

Builds, once, 10,000 orders as a shop has them: three lines of storable
products each, confirmed through ``action_confirm``, delivered (stock moves
and valuation layers), invoiced and posted; one in ten with a posted credit
note, one in three with the courier's price and a payment method whose fee
the shop pays. Then times, interleaved in the same run, recomputing and saving
every order's profit against recomputing and saving sale_margin's margin of
the same orders. Target: profit <= 2x margin. Each timed run is rolled back.

    python3 benchmarks/bench_profit.py [--database NAME] [--rebuild]
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from common import Result, ensure_database, interleaved, odoo_env, parse_args, report

ORDER_COUNT = 10_000
BATCH = 250
PREFIX = "BENCH-PR-"


def build_orders(env):
    """Create the orders through Odoo's own flows, in committed batches."""
    from odoo import Command

    Order = env["sale.order"].with_context(
        tracking_disable=True, mail_create_nolog=True, mail_notrack=True
    )
    existing = Order.search_count([("client_order_ref", "=like", PREFIX + "%")])
    if existing:
        # Databases built before the orders were invoiced one by one hold an
        # invoice for each batch of orders: not the data measured here.
        env.cr.execute(
            """
            SELECT count(DISTINCT line.move_id)
              FROM sale_order o
              JOIN sale_order_line sol ON sol.order_id = o.id
              JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
              JOIN account_move_line line ON line.id = rel.invoice_line_id
             WHERE o.client_order_ref LIKE %s
            """,
            [PREFIX + "%"],
        )
        (moves,) = env.cr.fetchone()
        if moves and moves < existing * 0.9:
            sys.exit(
                f"{env.cr.dbname} holds {moves} invoices for {existing} orders "
                "(built by an earlier version of this benchmark): run it again "
                "with --rebuild"
            )
    if existing >= ORDER_COUNT:
        return
    started = time.perf_counter()
    # The credit notes make orders lose money: they are posted all the same.
    env.company.fulfilment_loss_guard = False
    partner = env["res.partner"].search(
        [("name", "=", "Profit benchmark customer")], limit=1
    ) or env["res.partner"].create(
        {"name": "Profit benchmark customer", "email": "profit@example.com"}
    )
    products = env["product.product"].search(
        [("default_code", "=like", "BENCH-PR-%")], order="id"
    )
    if not products:
        products = env["product.product"].create(
            [
                {
                    "name": f"Profit bench product {i}",
                    "default_code": f"BENCH-PR-{i}",
                    "type": "consu",
                    "is_storable": True,
                    "list_price": 20.0 + i,
                    "standard_price": 11.0 + i,
                }
                for i in range(30)
            ]
        )
        stock = env["stock.warehouse"].search([], limit=1).lot_stock_id
        for product in products:
            env["stock.quant"]._update_available_quantity(product, stock, 1_000_000)
    method = env["payment.method"].search([("code", "=", "bench_card")], limit=1)
    if not method:
        method = env["payment.method"].create(
            {"name": "Bench card", "code": "bench_card"}
        )
        env["fulfilment.payment.policy"].create(
            {"payment_method_id": method.id, "fee_fixed": 0.3, "fee_percent": 1.5}
        )
    env.cr.commit()
    for start in range(existing, ORDER_COUNT, BATCH):
        numbers = range(start, min(start + BATCH, ORDER_COUNT))
        orders = Order.create(
            [
                {
                    "partner_id": partner.id,
                    "client_order_ref": f"{PREFIX}{i}",
                    "order_line": [
                        Command.create(
                            {
                                "product_id": products[(i + k) % 30].id,
                                "product_uom_qty": 1 + k,
                                "discount": 5.0 * k,
                            }
                        )
                        for k in range(3)
                    ],
                }
                for i in numbers
            ]
        )
        orders.action_confirm()
        pickings = orders.picking_ids
        pickings.action_assign()
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        pickings.with_context(skip_backorder=True, skip_sms=True)._action_done()
        # One invoice per order, as a shop invoices its orders.
        invoices = orders._create_invoices(grouped=True)
        invoices.action_post()

        def number(order):
            return int(order.client_order_ref[len(PREFIX) :])

        orders.filtered(lambda o: number(o) % 3 == 0).write(
            {"fulfilment_payment_method_id": method.id, "fulfilment_courier_cost": 4.5}
        )
        refunded = orders.filtered(lambda o: number(o) % 10 == 0).invoice_ids
        if refunded:
            credit_notes = refunded._reverse_moves(
                [{"ref": f"Refund {move.name}"} for move in refunded]
            )
            credit_notes.action_post()
        env.cr.commit()
        env.invalidate_all()
        done = numbers.stop
        elapsed = time.perf_counter() - started
        print(f"  {done}/{ORDER_COUNT} orders built ({elapsed:.0f} s)", flush=True)
    print(f"built {ORDER_COUNT} orders in {time.perf_counter() - started:.1f} s")


def main():
    args = parse_args(__doc__.splitlines()[0], "profit", repeat=5)
    ensure_database(args)
    with odoo_env(args.config, args.database) as env:
        build_orders(env)
        Order = env["sale.order"]
        orders = Order.search([("client_order_ref", "=like", PREFIX + "%")])
        order_ids = orders.ids
        layers = env["stock.valuation.layer"].search_count(
            [("stock_move_id.sale_line_id.order_id", "in", order_ids)]
        )
        refunds = env["account.move"].search_count(
            [
                ("move_type", "=", "out_refund"),
                ("state", "=", "posted"),
                ("line_ids.sale_line_ids.order_id", "in", order_ids),
            ]
        )
        print(
            f"orders recomputed per run: {len(order_ids)}; valuation layers: "
            f"{layers}; posted credit notes: {refunds}"
        )

        def recompute(field_name):
            def run():
                records = Order.browse(order_ids)
                env.add_to_compute(Order._fields[field_name], records)
                env.flush_all()

            return run

        def rollback():
            env.cr.rollback()

        profit, margin = interleaved(
            env,
            [recompute("profit_net"), recompute("margin")],
            args.repeat,
            setup=rollback,
            min_seconds=0,
        )
        env.cr.rollback()
        print(f"profit (all fields of _compute_profit): {profit} ms")
        print(f"sale_margin margin + margin_percent:    {margin} ms")
        report(
            [
                Result(
                    "profit",
                    f"recompute profit of {len(order_ids)} orders",
                    profit.median,
                    "ms",
                    "sale_margin",
                    margin.median,
                    target=2.0,
                )
            ]
        )


if __name__ == "__main__":
    main()

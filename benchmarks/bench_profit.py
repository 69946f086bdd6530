"""Profit recompute vs Odoo's sale_margin margin compute, on the same 10,000 orders.

Builds 10,000 confirmed orders of three lines each (ORM, once), a third of them
with a payment method that has a fee and a hand-entered courier price, then
times in the same run how long recomputing and saving every order's profit
takes against recomputing and saving sale_margin's order margin.
Target: profit <= 2x margin.

    python3 benchmarks/bench_profit.py [--database NAME] [--rebuild]
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from common import ensure_database, odoo_env, parse_args, timed

ORDER_COUNT = 10_000
PREFIX = "BENCH-PR-"


def build_orders(env):
    Order = env["sale.order"].with_context(
        tracking_disable=True, mail_create_nolog=True, mail_notrack=True
    )
    existing = Order.search_count([("client_order_ref", "=like", PREFIX + "%")])
    if existing >= ORDER_COUNT:
        return
    started = time.perf_counter()
    partner = env["res.partner"].create({"name": "Profit benchmark customer"})
    products = env["product.product"].create(
        [
            {
                "name": f"Profit bench product {i}",
                "type": "consu",
                "list_price": 20.0 + i,
                "standard_price": 11.0 + i,
            }
            for i in range(30)
        ]
    )
    method = env["payment.method"].create({"name": "Bench card", "code": "bench_card"})
    env["fulfilment.payment.policy"].create(
        {"payment_method_id": method.id, "fee_fixed": 0.3, "fee_percent": 1.5}
    )
    for start in range(existing, ORDER_COUNT, 500):
        vals = []
        for i in range(start, min(start + 500, ORDER_COUNT)):
            vals.append(
                {
                    "partner_id": partner.id,
                    "client_order_ref": f"{PREFIX}{i}",
                    "fulfilment_payment_method_id": method.id if i % 3 == 0 else False,
                    "fulfilment_courier_cost": 4.5 if i % 3 == 0 else 0.0,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": products[(i + k) % 30].id,
                                "product_uom_qty": 1 + k,
                                "discount": 5.0 * k,
                            },
                        )
                        for k in range(3)
                    ],
                }
            )
        orders = Order.create(vals)
        # Confirmed without their pickings: the benchmark is about the profit
        # formula, and both computes read the same lines.
        orders.write({"state": "sale"})
        env.cr.commit()
        env.invalidate_all()
    print(f"built {ORDER_COUNT} orders in {time.perf_counter() - started:.1f} s")


def main():
    args = parse_args(__doc__.splitlines()[0], "order_fulfilment_bench")
    ensure_database(args.config, args.database)
    with odoo_env(args.config, args.database) as env:
        if args.rebuild:
            env.cr.execute(
                "DELETE FROM sale_order WHERE client_order_ref LIKE %s", [PREFIX + "%"]
            )
            env.cr.commit()
        build_orders(env)
        Order = env["sale.order"]
        order_ids = Order.search([("client_order_ref", "=like", PREFIX + "%")]).ids
        print(f"orders recomputed per run: {len(order_ids)}")

        def recompute(field_name):
            def run():
                orders = Order.browse(order_ids)
                env.add_to_compute(Order._fields[field_name], orders)
                env.flush_all()

            return run

        profit_ms, profit_p95 = timed(env, recompute("profit_net"), args.repeat)
        margin_ms, margin_p95 = timed(env, recompute("margin"), args.repeat)
        env.cr.rollback()
        print(f"{'case':44} {'median ms':>10} {'p95 ms':>10}")
        for label, median, p95 in (
            ("profit (all fields of _compute_profit)", profit_ms, profit_p95),
            ("sale_margin margin + margin_percent", margin_ms, margin_p95),
        ):
            print(f"{label:44} {median:10.1f} {p95:10.1f}")
        print(f"ratio profit/margin: {profit_ms / margin_ms:.2f}x (target <= 2.00x)")


if __name__ == "__main__":
    main()

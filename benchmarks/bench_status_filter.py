"""Filtering and counting orders by custom fulfilment status vs Odoo's native state.

Builds 200,000 orders in bulk (SQL, from one real order as the template), then
times, in the same run and on the same rows, what the order list and the
kanban do: count the orders of one status, read the first page of them, and
count the orders per status (grouping). Target: custom status <= 1.1x native.

    python3 benchmarks/bench_status_filter.py [--database NAME] [--rebuild]
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from common import (
    Result,
    ensure_database,
    interleaved,
    odoo_env,
    parse_args,
    report,
    vacuum_analyze,
)

ORDER_COUNT = 200_000
PREFIX = "BENCH-ST-"


def build_orders(env):
    """Insert ORDER_COUNT orders copied from one ORM-created order."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM sale_order WHERE name LIKE %s", [PREFIX + "%"])
    if cr.fetchone()[0] >= ORDER_COUNT:
        return False
    partner = env["res.partner"].create({"name": "Benchmark customer"})
    template = env["sale.order"].create({"partner_id": partner.id})
    statuses = env["fulfilment.status"].search([])
    by_event = {s.auto_event: s.id for s in statuses if s.auto_event}
    manual = [s.id for s in statuses if not s.auto_event]
    cr.execute(
        """
        SELECT column_name FROM information_schema.columns
         WHERE table_name = 'sale_order'
           AND column_name NOT IN ('id', 'name', 'state', 'fulfilment_status_id',
                                   'date_order', 'access_token')
        """
    )
    columns = [row[0] for row in cr.fetchall()]
    column_list = ", ".join(f'"{c}"' for c in columns)
    # Native state and custom status follow each other as in a real shop:
    # draft <-> New, cancel <-> Cancelled, sale <-> every other status.
    sale_statuses = [
        by_event.get(event)
        for event in ("confirmed", "paid", "shipped", "delivered", "completed")
    ] + manual
    sale_statuses = [s for s in sale_statuses if s]
    started = time.perf_counter()
    cr.execute(
        f"""
        INSERT INTO sale_order (name, state, fulfilment_status_id, date_order,
                                {column_list})
        SELECT %(prefix)s || g,
               CASE WHEN g %% 10 = 0 THEN 'draft'
                    WHEN g %% 10 = 1 THEN 'cancel'
                    WHEN g %% 10 = 2 THEN 'sent'
                    ELSE 'sale' END,
               CASE WHEN g %% 10 IN (0, 2) THEN %(new)s
                    WHEN g %% 10 = 1 THEN %(cancelled)s
                    ELSE (%(sale_statuses)s::int[])[1 + (g / 10) %% %(n)s] END,
               now() - (g || ' minutes')::interval,
               {column_list}
          FROM sale_order, generate_series(1, %(count)s) AS g
         WHERE sale_order.id = %(template)s
        """,
        {
            "prefix": PREFIX,
            "new": by_event["created"],
            "cancelled": by_event["cancelled"],
            "sale_statuses": sale_statuses,
            "n": len(sale_statuses),
            "count": ORDER_COUNT,
            "template": template.id,
        },
    )
    vacuum_analyze(cr, "sale_order")
    print(f"built {ORDER_COUNT} orders in {time.perf_counter() - started:.1f} s")
    return True


def main():
    args = parse_args(__doc__.splitlines()[0], "status_filter")
    ensure_database(args)
    with odoo_env(args.config, args.database) as env:
        build_orders(env)
        Order = env["sale.order"]
        new = env.ref("order_fulfilment.status_new")
        cancelled = env.ref("order_fulfilment.status_cancelled")
        print(f"orders in the database: {Order.search_count([])}")
        cases = [
            (
                "count: New vs draft+sent",
                lambda: Order.search_count([("fulfilment_status_id", "=", new.id)]),
                lambda: Order.search_count([("state", "in", ("draft", "sent"))]),
            ),
            (
                "count: Cancelled vs cancel",
                lambda: Order.search_count(
                    [("fulfilment_status_id", "=", cancelled.id)]
                ),
                lambda: Order.search_count([("state", "=", "cancel")]),
            ),
            (
                "first list page (80): Cancelled vs cancel",
                lambda: Order.search(
                    [("fulfilment_status_id", "=", cancelled.id)], limit=80
                ),
                lambda: Order.search([("state", "=", "cancel")], limit=80),
            ),
            (
                "count per group (kanban / group by)",
                lambda: Order.read_group(
                    [], ["fulfilment_status_id"], ["fulfilment_status_id"]
                ),
                lambda: Order.read_group([], ["state"], ["state"]),
            ),
        ]
        results = []
        for label, custom, native in cases:
            custom_ms, native_ms = interleaved(env, [custom, native], args.repeat)
            print(f"{label:45} status {custom_ms} ms, state {native_ms} ms")
            results.append(
                Result(
                    "status filter",
                    label,
                    custom_ms.median,
                    "ms",
                    "Odoo state",
                    native_ms.median,
                    target=1.1,
                )
            )
        report(results)


if __name__ == "__main__":
    main()

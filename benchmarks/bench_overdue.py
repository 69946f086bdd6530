"""The overdue job over 100,000 open orders.

Builds 100,000 confirmed, unpaid orders in bulk (SQL, from one real order):
98% with deadlines in the future, 1% past their payment deadline and 1% past
their delivery deadline. Then times in the same run, on the same rows:

- the job's first run (flags 2,000 orders, one activity each, fires the
  payment_overdue / delivery_overdue events), with the query count per batch;
- a second run (nothing left to do: the job is safe to run twice);
- Odoo's baseline: counting the open orders (one indexed query), for scale.

Target: <= 2 s for the first run, a bounded number of queries per batch.
Everything is rolled back at the end, so the benchmark can be run again.

    python3 benchmarks/bench_overdue.py [--database NAME] [--rebuild]
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from common import ensure_database, odoo_env, parse_args

ORDER_COUNT = 100_000
PREFIX = "BENCH-OD-"


def build_orders(env):
    cr = env.cr
    cr.execute("SELECT count(*) FROM sale_order WHERE name LIKE %s", [PREFIX + "%"])
    if cr.fetchone()[0] >= ORDER_COUNT:
        return
    started = time.perf_counter()
    partner = env["res.partner"].create({"name": "Overdue benchmark customer"})
    salesperson = env["res.users"].browse(2)
    template = env["sale.order"].create(
        {"partner_id": partner.id, "user_id": salesperson.id}
    )
    status = env["fulfilment.status"]._get_status_for_event("confirmed", env.company)
    cr.execute(
        """
        SELECT column_name FROM information_schema.columns
         WHERE table_name = 'sale_order'
           AND column_name NOT IN ('id', 'name', 'state', 'fulfilment_status_id',
                                   'date_order', 'access_token', 'payment_deadline',
                                   'delivery_deadline', 'is_payment_overdue',
                                   'is_delivery_overdue', 'fulfilment_paid_date')
        """
    )
    columns = ", ".join(f'"{row[0]}"' for row in cr.fetchall())
    cr.execute(
        f"""
        INSERT INTO sale_order (name, state, fulfilment_status_id, date_order,
                                payment_deadline, delivery_deadline, {columns})
        SELECT %(prefix)s || g, 'sale', %(status)s, now() - interval '1 day',
               CASE WHEN g %% 100 = 0 THEN now() - interval '2 hours'
                    ELSE now() + interval '3 days' END,
               CASE WHEN g %% 100 = 1 THEN now() - interval '2 hours'
                    ELSE now() + interval '5 days' END,
               {columns}
          FROM sale_order, generate_series(1, %(count)s) AS g
         WHERE sale_order.id = %(template)s
        """,  # column names come from information_schema
        {
            "prefix": PREFIX,
            "status": status.id,
            "count": ORDER_COUNT,
            "template": template.id,
        },
    )
    # As in a real shop, the salesperson follows the orders.
    cr.execute(
        """
        INSERT INTO mail_followers (res_model, res_id, partner_id)
        SELECT 'sale.order', id, %(partner)s FROM sale_order
         WHERE name LIKE %(prefix)s
        ON CONFLICT DO NOTHING
        """,
        {"partner": salesperson.partner_id.id, "prefix": PREFIX + "%"},
    )
    cr.execute("ANALYZE sale_order")
    cr.commit()
    print(f"built {ORDER_COUNT} orders in {time.perf_counter() - started:.1f} s")


def main():
    args = parse_args(__doc__.splitlines()[0], "order_fulfilment_bench")
    ensure_database(args.config, args.database)
    with odoo_env(args.config, args.database) as env:
        if args.rebuild:
            env.cr.execute("DELETE FROM sale_order WHERE name LIKE %s", [PREFIX + "%"])
            env.cr.commit()
        build_orders(env)
        Order = env["sale.order"]
        open_count = Order.search_count([("state", "=", "sale")])
        print(f"open (confirmed) orders in the database: {open_count}")

        # Count the queries of each batch.
        batches = []
        Model = type(Order)
        original = Model._fulfilment_flag_overdue

        def counting(self, kind):
            before = env.cr.sql_log_count
            result = original(self, kind)
            batches.append((kind, len(self), env.cr.sql_log_count - before))
            return result

        Model._fulfilment_flag_overdue = counting
        try:
            env.invalidate_all()
            start = time.perf_counter()
            Order._cron_fulfilment_flag_overdue()
            first_ms = (time.perf_counter() - start) * 1000
            env.invalidate_all()
            start = time.perf_counter()
            before = env.cr.sql_log_count
            Order._cron_fulfilment_flag_overdue()
            second_ms = (time.perf_counter() - start) * 1000
            second_queries = env.cr.sql_log_count - before
            env.invalidate_all()
            start = time.perf_counter()
            Order.search_count([("state", "=", "sale")])
            baseline_ms = (time.perf_counter() - start) * 1000
            flagged = Order.search_count(
                [
                    "|",
                    ("is_payment_overdue", "=", True),
                    ("is_delivery_overdue", "=", True),
                ]
            )
        finally:
            Model._fulfilment_flag_overdue = original
            env.cr.rollback()
        for kind, size, queries in batches:
            print(f"batch {kind:8} {size:5} orders: {queries:4} queries")
        print(f"orders flagged: {flagged}")
        print(f"first run  (flags):        {first_ms:8.1f} ms (target <= 2000 ms)")
        print(
            f"second run (nothing new):  {second_ms:8.1f} ms, {second_queries} queries"
        )
        print(f"baseline: count open orders {baseline_ms:8.1f} ms")


if __name__ == "__main__":
    main()

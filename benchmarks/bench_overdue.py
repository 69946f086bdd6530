"""The overdue job over 100,000 open orders, with statuses that do something.

Builds, once, 100,000 confirmed, unpaid orders in bulk (SQL, from one real
order): 98% with deadlines in the future, 1% past their payment deadline and
1% past their delivery deadline; a "Payment overdue" and a "Delivery late"
status are entered on the overdue events, each with an e-mail template for
the customer. Then times, interleaved, on the same 2,000 overdue orders:

- the job as the scheduler runs it: batch after batch until none remains
  (flags, one activity per order, the events move the orders into their
  status, the customers' e-mails queued to leave right after the commit);
- Odoo doing the same bookkeeping its own way: searching the overdue orders,
  writing the flag and scheduling an activity on each (``activity_schedule``),
  no status and no e-mail.

Target: <= 2 s for the job. Each run is rolled back.

    python3 benchmarks/bench_overdue.py [--database NAME] [--rebuild]
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from common import Result, ensure_database, interleaved, odoo_env, parse_args, report

ORDER_COUNT = 100_000
PREFIX = "BENCH-OD-"
TARGET_MS = 2000.0


def build_statuses(env):
    """Statuses entered on the overdue events, with a customer e-mail."""
    Status = env["fulfilment.status"]
    for event, name in (
        ("payment_overdue", "Payment overdue"),
        ("delivery_overdue", "Delivery late"),
    ):
        if Status.search_count([("auto_event", "=", event)]):
            continue
        template = env["mail.template"].create(
            {
                "name": f"Benchmark: {name}",
                "model_id": env["ir.model"]._get_id("sale.order"),
                "subject": f"{name}: {{{{ object.name }}}}",
                "partner_to": "{{ object.partner_id.id }}",
                "body_html": "<p>Your order {{ object.name }}: " + name + ".</p>",
            }
        )
        Status.create(
            {"name": name, "auto_event": event, "mail_template_id": template.id}
        )
    env.cr.commit()


def build_orders(env):
    cr = env.cr
    cr.execute("SELECT count(*) FROM sale_order WHERE name LIKE %s", [PREFIX + "%"])
    if cr.fetchone()[0] >= ORDER_COUNT:
        return
    started = time.perf_counter()
    partner = env["res.partner"].create(
        {"name": "Overdue benchmark customer", "email": "overdue@example.com"}
    )
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
                                   'is_delivery_overdue', 'fulfilment_paid_date',
                                   'fulfilment_payment_queued')
        """
    )
    columns = ", ".join(f'"{row[0]}"' for row in cr.fetchall())
    cr.execute(
        f"""
        INSERT INTO sale_order (name, state, fulfilment_status_id, date_order,
                                payment_deadline, delivery_deadline,
                                fulfilment_payment_queued, {columns})
        SELECT %(prefix)s || g, 'sale', %(status)s, now() - interval '1 day',
               CASE WHEN g %% 100 = 0 THEN now() - interval '2 hours'
                    ELSE now() + interval '3 days' END,
               CASE WHEN g %% 100 = 1 THEN now() - interval '2 hours'
                    ELSE now() + interval '5 days' END,
               TRUE,
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
    # As in a real shop, the customer and the salesperson follow the orders.
    for follower in (partner, salesperson.partner_id):
        cr.execute(
            """
            INSERT INTO mail_followers (res_model, res_id, partner_id)
            SELECT 'sale.order', id, %(partner)s FROM sale_order
             WHERE name LIKE %(prefix)s
            ON CONFLICT DO NOTHING
            """,
            {"partner": follower.id, "prefix": PREFIX + "%"},
        )
    cr.execute("ANALYZE sale_order")
    cr.commit()
    print(f"built {ORDER_COUNT} orders in {time.perf_counter() - started:.1f} s")


def main():
    args = parse_args(__doc__.splitlines()[0], "overdue", repeat=5)
    ensure_database(args)
    with odoo_env(args.config, args.database) as env:
        build_statuses(env)
        build_orders(env)
        Order = env["sale.order"]
        cron = env.ref("order_fulfilment.ir_cron_fulfilment_flag_overdue")
        print(f"open orders: {Order.search_count([('state', '=', 'sale')])}")
        counts = {}

        def job():
            # What the scheduler does: run again while the job reports work left.
            runs = 0
            while True:
                runs += 1
                cron_env, progress = cron._add_progress()
                Order.with_context(cron_env.env.context)._cron_fulfilment_flag_overdue()
                if not progress.remaining:
                    break
            counts["runs"] = runs

        def odoo_way():
            now = env.cr.now()
            activity_type = env.ref("mail.mail_activity_data_todo")
            for kind in ("payment", "delivery"):
                orders = Order.search(
                    [
                        (f"{kind}_deadline", "<", now),
                        ("state", "=", "sale"),
                        (f"is_{kind}_overdue", "=", False),
                    ]
                )
                orders.write({f"is_{kind}_overdue": True})
                for order in orders:
                    order.activity_schedule(
                        activity_type_id=activity_type.id, user_id=order.user_id.id
                    )

        # One run untimed, to count what the job does.
        job()
        env.flush_all()
        counts["flagged"] = Order.search_count(
            ["|", ("is_payment_overdue", "=", True), ("is_delivery_overdue", "=", True)]
        )
        counts["queued"] = env["fulfilment.notification"].search_count(
            [("state", "=", "queued")]
        )
        overdue_events = ["payment_overdue", "delivery_overdue"]
        counts["moved"] = Order.search_count(
            [("fulfilment_status_id.auto_event", "in", overdue_events)]
        )
        env.cr.rollback()

        def flushed(func):
            def run():
                func()
                env.flush_all()

            return run

        ours, odoo = interleaved(
            env,
            [flushed(job), flushed(odoo_way)],
            args.repeat,
            setup=env.cr.rollback,
            min_seconds=0,
        )
        env.cr.rollback()
        print(
            f"job: {counts['runs']} scheduler runs, "
            f"{counts['flagged']} orders flagged, "
            f"{counts['moved']} moved into an overdue status, "
            f"{counts['queued']} customer e-mails queued"
        )
        print(f"the job: {ours} ms; Odoo's own flag + activity: {odoo} ms")
        report(
            [
                Result(
                    "overdue",
                    f"overdue job, {ORDER_COUNT} open orders",
                    ours.median,
                    "ms",
                    "Odoo flag+activity",
                    odoo.median,
                    target=TARGET_MS,
                    absolute=True,
                    note=f"{counts['queued']} e-mails queued, "
                    f"{counts['moved']} status changes",
                )
            ]
        )


if __name__ == "__main__":
    main()

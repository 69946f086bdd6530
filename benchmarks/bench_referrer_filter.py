"""Filtering orders by referrer vs Odoo's native UTM source, at 200,000 orders.

Builds 200,000 orders in bulk (SQL, from one real order as the template) spread
over 14 months, each with 1 to 10 touches (about 1.1 million referrer rows),
then times, in the same run and on the same rows, what the order list and the
analysis do for "orders of one month whose referrer is X": count them, read the
first page, and group the month by channel -- once with the stored last-touch
channel, once with Odoo's native ``source_id``. Targets: referrer <= 1.5x
native; "any touch is channel X" (what the order search offers as *Referrer
Channel (any touch)*) <= 3x native.

    python3 benchmarks/bench_referrer_filter.py [--database NAME] [--rebuild]
"""

import os
import sys
import time
from datetime import date

sys.path.insert(0, os.path.dirname(__file__))

from common import Result, ensure_database, interleaved, odoo_env, parse_args, report

ORDER_COUNT = 200_000
PREFIX = "BENCH-REF-"


def build_orders(env):
    """Insert ORDER_COUNT orders and their touches, copied from ORM-created rows."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM sale_order WHERE name LIKE %s", [PREFIX + "%"])
    if cr.fetchone()[0] >= ORDER_COUNT:
        return False
    started = time.perf_counter()
    partner = env["res.partner"].create({"name": "Benchmark customer"})
    template = env["sale.order"].create({"partner_id": partner.id})
    channels = env["fulfilment.referrer.channel"].search([])
    sources = env["utm.source"].create(
        [{"name": f"Benchmark source {n}"} for n in range(len(channels))]
    )
    excluded = {
        "id",
        "name",
        "date_order",
        "source_id",
        "access_token",
        "first_touch_channel_id",
        "first_touch_channel_type",
        "first_touch_source_id",
        "last_touch_channel_id",
        "last_touch_channel_type",
        "last_touch_source_id",
    }
    cr.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = 'sale_order'"
    )
    columns = [row[0] for row in cr.fetchall() if row[0] not in excluded]
    column_list = ", ".join(f'"{c}"' for c in columns)
    params = {
        "prefix": PREFIX,
        "count": ORDER_COUNT,
        "template": template.id,
        "sources": sources.ids,
        "channels": channels.ids,
        "n": len(channels),
    }
    # Orders: one every 3 minutes back from now (about 14 months), native
    # source cycling through as many sources as there are channels.
    cr.execute(
        f"""
        INSERT INTO sale_order (name, date_order, source_id, {column_list})
        SELECT %(prefix)s || g,
               now() - (g * 3 || ' minutes')::interval,
               (%(sources)s::int[])[1 + g %% %(n)s],
               {column_list}
          FROM sale_order, generate_series(1, %(count)s) AS g
         WHERE sale_order.id = %(template)s
        """,
        params,
    )
    # Touches: 1 to 10 per order, channel and source varying with the position.
    cr.execute(
        """
        INSERT INTO fulfilment_referrer (
            order_id, company_id, position, touch_date, referrer_url, referrer_host,
            landing_page, source_id, channel_id, channel_type,
            create_uid, create_date, write_uid, write_date)
        SELECT o.id, o.company_id, p,
               o.date_order - ((10 - p) || ' hours')::interval,
               'https://site' || ((o.id + p) %% 50) || '.example.com/',
               'site' || ((o.id + p) %% 50) || '.example.com',
               '/shop',
               (%(sources)s::int[])[1 + (o.id + p) %% %(n)s],
               c.id, c.channel_type,
               1, now(), 1, now()
          FROM sale_order o
          CROSS JOIN LATERAL generate_series(1, 1 + o.id %% 10) AS p
          JOIN fulfilment_referrer_channel c
            ON c.id = (%(channels)s::int[])[1 + (o.id * 7 + p) %% %(n)s]
         WHERE o.name LIKE %(prefix)s || '%%'
        """,
        params,
    )
    # The stored first/last touch columns, as the ORM computes them.
    cr.execute(
        """
        UPDATE sale_order o
           SET first_touch_channel_id = f.channel_id,
               first_touch_channel_type = f.channel_type,
               first_touch_source_id = f.source_id,
               last_touch_channel_id = l.channel_id,
               last_touch_channel_type = l.channel_type,
               last_touch_source_id = l.source_id
          FROM fulfilment_referrer f, fulfilment_referrer l
         WHERE f.order_id = o.id AND f.position = 1
           AND l.order_id = o.id AND l.position = 1 + o.id %% 10
           AND o.name LIKE %(prefix)s || '%%'
        """,
        params,
    )
    cr.execute(
        """
        UPDATE sale_order o
           SET referrer_channel_keys = k.keys
          FROM (SELECT order_id,
                       '|' || string_agg(channel_id::text, '|' ORDER BY channel_id)
                       || '|' AS keys
                  FROM (SELECT DISTINCT order_id, channel_id
                          FROM fulfilment_referrer) AS touch
                 GROUP BY order_id) AS k
         WHERE k.order_id = o.id AND o.name LIKE %(prefix)s || '%%'
        """,
        params,
    )
    cr.execute("ANALYZE sale_order")
    cr.execute("ANALYZE fulfilment_referrer")
    cr.commit()
    print(
        f"built {ORDER_COUNT} orders with their touches "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return True


def main():
    args = parse_args(__doc__.splitlines()[0], "referrer_filter")
    ensure_database(args)
    with odoo_env(args.config, args.database) as env:
        build_orders(env)
        Order = env["sale.order"]
        google_ads = env.ref("order_fulfilment.channel_google_ads")
        cr = env.cr
        # A full month in the middle of the data (orders span 14 months back).
        today = date.today()
        first = date(today.year - (today.month <= 6), (today.month - 7) % 12 + 1, 1)
        after = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        month = [("date_order", ">=", first), ("date_order", "<", after)]
        # The native source with as many orders in the month as Google Ads has.
        by_source = dict(Order._read_group(month, ["source_id"], ["__count"]))
        wanted = Order.search_count(
            [*month, ("last_touch_channel_id", "=", google_ads.id)]
        )
        source = min(by_source, key=lambda s: abs(by_source[s] - wanted))
        cr.execute("SELECT count(*) FROM fulfilment_referrer")
        touch_count = cr.fetchone()[0]
        print(
            f"orders: {Order.search_count([])}, touches: {touch_count}; "
            f"orders in {first:%B %Y}: last touch Google Ads {wanted}, "
            f"source {source.name!r} {by_source[source]}"
        )
        referrer = [*month, ("last_touch_channel_id", "=", google_ads.id)]
        # What the search view's "Referrer Channel (any touch)" searches.
        any_touch = [*month, ("referrer_channel_ids", "in", google_ads.ids)]
        native = [*month, ("source_id", "=", source.id)]
        cases = [
            (
                "count: month + last touch vs source_id",
                lambda: Order.search_count(referrer),
                lambda: Order.search_count(native),
                1.5,
            ),
            (
                "first list page (80), by date",
                lambda: Order.search(referrer, limit=80, order="date_order desc"),
                lambda: Order.search(native, limit=80, order="date_order desc"),
                1.5,
            ),
            (
                "month grouped by channel vs by source",
                lambda: Order._read_group(
                    month, ["last_touch_channel_id"], ["__count", "amount_untaxed:sum"]
                ),
                lambda: Order._read_group(
                    month, ["source_id"], ["__count", "amount_untaxed:sum"]
                ),
                1.5,
            ),
            (
                "count: month + any touch vs source_id",
                lambda: Order.search_count(any_touch),
                lambda: Order.search_count(native),
                3.0,
            ),
        ]
        results = []
        for label, custom, baseline, target in cases:
            custom_ms, native_ms = interleaved(env, [custom, baseline], args.repeat)
            print(f"{label:45} referrer {custom_ms} ms, source_id {native_ms} ms")
            results.append(
                Result(
                    "referrer filter",
                    label,
                    custom_ms.median,
                    "ms",
                    "Odoo source_id",
                    native_ms.median,
                    target=target,
                )
            )
        report(results)


if __name__ == "__main__":
    main()

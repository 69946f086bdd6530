"""Bulk printing of 100 orders as one PDF vs Odoo printing them one by one.

Builds 100 confirmed orders, then times, in the same run and interleaved
(bulk first on even samples, one by one first on odd ones, so that a drift of
the machine weighs on both):

- bulk: ``_render_qweb_pdf`` of Odoo's quotation report on the 100 orders,
  one PDF (on wkhtmltopdf builds without patched Qt, such as Debian's, each
  order is rendered in its own run and the runs merged);
- one by one: the same report on each order alone, 100 PDFs, as a user
  printing them one after the other would get.

Prints the median and the spread (min-max) of each, and the ratio of the
medians. Target: bulk <= 1.2 x one by one. Everything is rolled back.
Without an Odoo server answering on web.base.url, wkhtmltopdf cannot load
the report's style sheet (both sides alike); run it beside a server for the
full per-document cost.

    python3 benchmarks/bench_bulk_print.py [--database NAME] [--repeat N]
"""

import io
import logging
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from common import ensure_database, odoo_env, parse_args

ORDERS = 100
REPORT = "sale.action_report_saleorder"
TARGET_RATIO = 1.2


def build_orders(env, count):
    from odoo import Command

    product = env["product.product"].create(
        {"name": "Bench printed product", "type": "consu", "list_price": 42.0}
    )
    partner = env["res.partner"].create(
        {
            "name": "Bench Print Customer",
            "street": "Str. Victoriei 12",
            "city": "Bucuresti",
            "zip": "010061",
            "country_id": env.ref("base.ro").id,
        }
    )
    orders = env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 2})
                ],
            }
            for _index in range(count)
        ]
    )
    orders.action_confirm()
    return orders


def main():
    args = parse_args(__doc__.splitlines()[0], "order_fulfilment_bench", 3)
    ensure_database(args.config, args.database)
    with odoo_env(args.config, args.database) as env:
        from pypdf import PdfReader

        # wkhtmltopdf's warnings on every run (unpatched Qt ignores the header
        # options) would drown the figures.
        logging.getLogger("odoo.addons.base.models.ir_actions_report").setLevel(
            logging.ERROR
        )

        Report = env["ir.actions.report"]
        orders = build_orders(env, ORDERS)

        def bulk():
            pdf, report_type = Report._render_qweb_pdf(REPORT, orders.ids)
            assert report_type == "pdf"
            return len(PdfReader(io.BytesIO(pdf)).pages)

        def one_by_one():
            pages = 0
            for order in orders:
                pdf, report_type = Report._render_qweb_pdf(REPORT, order.ids)
                assert report_type == "pdf"
                pages += len(PdfReader(io.BytesIO(pdf)).pages)
            return pages

        def sample(func):
            env.invalidate_all()
            started = time.perf_counter()
            pages = func()
            return time.perf_counter() - started, pages

        Report._render_qweb_pdf(REPORT, orders[:1].ids)  # warm-up: assets, QWeb
        several = Report._fulfilment_renders_several_documents()
        bulk_samples, single_samples = [], []
        for index in range(args.repeat):
            order = (bulk, one_by_one) if index % 2 == 0 else (one_by_one, bulk)
            for func in order:
                seconds, pages = sample(func)
                assert pages >= ORDERS, pages
                (bulk_samples if func is bulk else single_samples).append(seconds)
                print(
                    f"  sample {index + 1}: {func.__name__:<10} {seconds:7.1f} s "
                    f"({pages} pages)",
                    flush=True,
                )
        env.cr.rollback()

    bulk_median = statistics.median(bulk_samples)
    single_median = statistics.median(single_samples)
    print(
        f"wkhtmltopdf renders several documents per run: {several} "
        f"({'one run for all' if several else 'one run per order, merged'})"
    )
    print(f"orders: {ORDERS}, samples: {args.repeat} each, interleaved")
    print(
        f"bulk, one PDF:        median {bulk_median:7.1f} s  "
        f"spread {min(bulk_samples):.1f}-{max(bulk_samples):.1f} s  "
        f"({bulk_median / ORDERS * 1000:.0f} ms per order)"
    )
    print(
        f"one by one, 100 PDFs: median {single_median:7.1f} s  "
        f"spread {min(single_samples):.1f}-{max(single_samples):.1f} s  "
        f"({single_median / ORDERS * 1000:.0f} ms per order)"
    )
    print(
        f"bulk / one by one: {bulk_median / single_median:.2f} x "
        f"(target <= {TARGET_RATIO} x)"
    )


if __name__ == "__main__":
    main()

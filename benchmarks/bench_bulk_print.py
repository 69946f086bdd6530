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
import sys

sys.path.insert(0, os.path.dirname(__file__))

from common import Result, ensure_database, interleaved, odoo_env, parse_args, report

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
    args = parse_args(__doc__.splitlines()[0], "bulk_print", repeat=3)
    ensure_database(args)
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

        Report._render_qweb_pdf(REPORT, orders[:1].ids)  # warm-up: assets, QWeb
        several = Report._fulfilment_renders_several_documents()
        pages = {}

        def counted(func):
            def run():
                pages[func.__name__] = func()

            return run

        bulk_ms, single_ms = interleaved(
            env, [counted(bulk), counted(one_by_one)], args.repeat, min_seconds=0
        )
        assert min(pages.values()) >= ORDERS, pages
        env.cr.rollback()

    print(
        f"wkhtmltopdf renders several documents per run: {several} "
        f"({'one run for all' if several else 'one run per order, merged'})"
    )
    print(f"bulk, one PDF ({pages['bulk']} pages): {bulk_ms} ms")
    print(f"one by one, {ORDERS} PDFs: {single_ms} ms")
    report(
        [
            Result(
                "bulk print",
                f"{ORDERS} orders as one PDF",
                bulk_ms.median / 1000,
                "s",
                "Odoo one by one",
                single_ms.median / 1000,
                target=TARGET_RATIO,
            )
        ]
    )


if __name__ == "__main__":
    main()

"""Completing 100 orders in the background vs Odoo doing the same steps itself.

Builds, once, 100 confirmed orders of a storable product, each with its
delivery ready (every quantity reserved) and its courier AWB already created
against the local fake GLS (the label PDF attached, as bulk courier sending
leaves them). Then times, interleaved in the same run, each run rolled back:

- completion: *Complete Orders* on the 100 orders (they are queued) and the
  background job run as the scheduler runs it, batch after batch, until none
  is left: each order's delivery validated, invoice created and posted, the
  invoice PDFs of each batch rendered together, the label and invoice
  attached, the e-mail to the customer posted, the status changed;
- Odoo: the same orders through Odoo's own steps, done the cheapest way for
  Odoo, on all orders at once: the deliveries validated (no backorder), the
  invoices created and posted, their PDFs rendered by Odoo's invoice engine.

Figure: orders per second of each; target: completion takes at most 1.3 x
Odoo's time. ``--profile`` prints where one completion run spends its time.
Without an Odoo server answering on web.base.url, wkhtmltopdf cannot load the
report's style sheet (both sides alike).

    python3 benchmarks/bench_completion.py [--database NAME] [--repeat N] [--profile]
"""

import cProfile
import io
import logging
import os
import pstats
import sys

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))

from common import Result, ensure_database, interleaved, odoo_env, parse_args, report

from couriers.fakes import FakeGls

ORDERS = 100
PREFIX = "BENCH-CO-"
TARGET_RATIO = 1.3


def build(env):
    """100 ready orders with their AWB and label (once, committed)."""
    from odoo import Command

    Order = env["sale.order"]
    if Order.search_count([("client_order_ref", "=like", PREFIX + "%")]) >= ORDERS:
        return
    env.ref("order_fulfilment.group_user").users |= env.user
    product = env["product.product"].create(
        {
            "name": "Bench completed product",
            "type": "consu",
            "is_storable": True,
            "list_price": 120.0,
            "standard_price": 40.0,
            "weight": 1.2,
            "invoice_policy": "delivery",
        }
    )
    stock = env["stock.warehouse"].search([], limit=1).lot_stock_id
    env["stock.quant"]._update_available_quantity(product, stock, 10 * ORDERS)
    partner = env["res.partner"].create(
        {
            "name": "Bench Completion Customer",
            "email": "completion@example.com",
            "street": "Str. Victoriei 12",
            "city": "Bucuresti",
            "zip": "010061",
            "country_id": env.ref("base.ro").id,
            "phone": "+40721000111",
        }
    )
    with FakeGls() as fake:
        carrier = env["delivery.carrier"].create(
            {
                "name": "Bench completion GLS",
                "delivery_type": "gls",
                "integration_level": "rate",
                "product_id": env["product.product"]
                .create({"name": "Bench completion shipping", "type": "service"})
                .id,
                "fulfilment_api_url": fake.url,
                "fulfilment_username": "demo",
                "fulfilment_password": "demo-pass",
                "fulfilment_client_id": fake.client_number,
            }
        )
        orders = Order.create(
            [
                {
                    "partner_id": partner.id,
                    "carrier_id": carrier.id,
                    "client_order_ref": f"{PREFIX}{index}",
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": 1})
                    ],
                }
                for index in range(ORDERS)
            ]
        )
        orders.action_confirm()
        orders.picking_ids.action_assign()
        env.cr.commit()
        results = env["delivery.carrier"]._fulfilment_send_batch(orders.picking_ids)
        refused = [message for _picking, ok, message in results if not ok]
        assert not refused, refused
    env.cr.commit()
    print(f"built {ORDERS} ready orders with their AWB")


# Where a completion run spends its time: (label, file suffix, function).
# Nested steps are indented; a step's time includes what it calls.
BREAKDOWN = [
    (
        "queue the orders",
        "sale_order_completion_queue.py",
        "_fulfilment_queue_completion",
    ),
    (
        "one batch (job run)",
        "sale_order_completion_batch.py",
        "_fulfilment_complete_batch",
    ),
    ("  check each order", "sale_order_completion.py", "_fulfilment_completion_check"),
    (
        "  prepare together",
        "sale_order_completion.py",
        "_fulfilment_completion_execute",
    ),
    (
        "    validate deliveries",
        "sale_order_completion.py",
        "_fulfilment_completion_validate",
    ),
    ("    create invoices", "sale/models/sale_order.py", "_create_invoices"),
    ("    post invoices", "models/account_move.py", "action_post"),
    ("    courier AWBs", "sale_order_completion.py", "_fulfilment_completion_get_awbs"),
    (
        "  render invoice PDFs",
        "sale_order_completion_batch.py",
        "_fulfilment_completion_render_documents",
    ),
    (
        "  finish each order",
        "sale_order_completion.py",
        "_fulfilment_completion_finish",
    ),
    (
        "    collect documents",
        "sale_order_completion.py",
        "_fulfilment_completion_documents",
    ),
    (
        "      warranty certificates",
        "sale_order_warranty.py",
        "_fulfilment_warranty_documents",
    ),
    (
        "    attach documents",
        "sale_order_completion.py",
        "_fulfilment_completion_attach",
    ),
    ("    completion e-mail", "mail/models/mail_thread.py", "message_post_with_source"),
    (
        "status events (shipped, completed)",
        "models/sale_order.py",
        "_fulfilment_trigger_event",
    ),
    ("flush to the database", "odoo/api.py", "flush_all"),
    ("SQL queries", "odoo/sql_db.py", "execute"),
    ("wkhtmltopdf", "ir_actions_report.py", "_run_wkhtmltopdf"),
    (
        "notify the user",
        "sale_order_completion_queue.py",
        "_fulfilment_notify_completion",
    ),
]


def print_breakdown(stats):
    """Print the cumulative time of each step of ``BREAKDOWN``."""
    entries = stats.stats
    total = max(ct for _cc, _nc, _tt, ct, _callers in entries.values())
    print(f"{'step':<40} {'calls':>7} {'seconds':>9} {'share':>6}")
    for label, suffix, function in BREAKDOWN:
        matches = [
            (nc, ct)
            for (filename, _line, name), (_cc, nc, _tt, ct, _c) in entries.items()
            if name == function and filename.endswith(suffix)
        ]
        if not matches:
            continue
        calls, seconds = max(matches, key=lambda match: match[1])
        print(f"{label:<40} {calls:>7} {seconds:>9.1f} {seconds / total:>6.0%}")
    print(f"{'whole run':<40} {'':>7} {total:>9.1f}")


def main():
    def extra(parser):
        parser.add_argument(
            "--profile",
            action="store_true",
            help="print where one completion run spends its time",
        )

    args = parse_args(__doc__.splitlines()[0], "completion", repeat=2, extra=extra)
    ensure_database(args)
    with odoo_env(args.config, args.database) as env:
        # wkhtmltopdf's warnings on every run would drown the figures.
        logging.getLogger("odoo.addons.base.models.ir_actions_report").setLevel(
            logging.ERROR
        )
        build(env)
        Order = env["sale.order"]
        orders = Order.search([("client_order_ref", "=like", PREFIX + "%")], order="id")
        cron = env.ref("order_fulfilment.ir_cron_fulfilment_complete_queued")
        counts = {}

        def completion():
            Order.browse(orders.ids).action_fulfilment_complete()
            runs = 0
            while True:
                runs += 1
                cron_env, progress = cron._add_progress()
                Order.with_context(
                    cron_env.env.context
                )._cron_fulfilment_complete_queued()
                if not progress.remaining:
                    break
            env.flush_all()
            env.cr.precommit.run()
            done = Order.browse(orders.ids).filtered("fulfilment_completed_date")
            counts["completion"] = (len(done), runs)

        def odoo_way():
            batch = Order.browse(orders.ids)
            pickings = batch.picking_ids
            pickings.move_ids.picked = True
            pickings.with_context(
                skip_backorder=True,
                picking_ids_not_to_backorder=pickings.ids,
                skip_sms=True,
            ).button_validate()
            assert set(pickings.mapped("state")) == {"done"}
            invoices = batch._create_invoices(grouped=True, final=True)
            invoices.action_post()
            sender = env["account.move.send"]
            sender._generate_invoice_documents(
                {
                    move: sender._get_default_sending_settings(move, sending_methods=[])
                    for move in invoices
                }
            )
            env.flush_all()
            env.cr.precommit.run()
            counts["odoo"] = len(invoices.filtered("invoice_pdf_report_id"))

        def reset():
            env.cr.rollback()
            env.cr.postcommit.clear()

        # Warm-up: QWeb templates, assets, the registry's caches.
        Order.browse(orders[:2].ids).action_fulfilment_complete()
        reset()
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(completion)
            reset()
            output = io.StringIO()
            stats = pstats.Stats(profiler, stream=output)
            stats.sort_stats("cumulative").print_stats(40)
            stats.sort_stats("tottime").print_stats(20)
            print(output.getvalue())
            print_breakdown(stats)

        ours, odoo = interleaved(
            env,
            [completion, odoo_way],
            args.repeat,
            setup=reset,
            min_seconds=0,
            warmup=False,
        )
        reset()
        completed, runs = counts["completion"]
        assert completed == ORDERS, counts
        assert counts["odoo"] == ORDERS, counts
        ours_rate = ORDERS / (ours.median / 1000)
        odoo_rate = ORDERS / (odoo.median / 1000)
        print(
            f"completion, {ORDERS} orders in {runs} runs of the job: {ours} ms "
            f"({ours_rate:.1f} orders/s)"
        )
        print(
            f"Odoo's own steps, {ORDERS} orders: {odoo} ms ({odoo_rate:.1f} orders/s)"
        )
        print(f"load average: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
        report(
            [
                Result(
                    "completion",
                    f"{ORDERS} orders completed in the background",
                    ours.median / 1000,
                    "s",
                    "Odoo validate+invoice+PDF",
                    odoo.median / 1000,
                    target=TARGET_RATIO,
                    note=f"{ours_rate:.1f} orders/s against Odoo's {odoo_rate:.1f}",
                )
            ]
        )


if __name__ == "__main__":
    main()

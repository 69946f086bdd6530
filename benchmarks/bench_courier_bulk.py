"""Bulk AWB sending: parcels per second against the courier's latency floor.

Builds, once, 200 confirmed orders with a GLS delivery (GLS returns the label
with the AWB: one call per parcel). Each run sends their deliveries to a
local fake GLS answering every call after 50 ms (in a process of its own, as
a real courier's work is not done on the sender's CPU), does what the commit
would do (Odoo's tracking messages), and is reset afterwards (the transaction
rolled back, the shipment attempts and courier logs that sending commits on
its own deleted), so every run calls the courier for every parcel. Timed
interleaved in the same run:

- the bulk action's sending (``_fulfilment_send_batch``: 8 calls at once,
  then each AWB booked in Odoo): its floor is 8 / 50 ms = 160 parcels/s;
  target: at least 100 parcels/s;
- Odoo's own ``send_to_shipper``, one delivery after the other: its floor is
  1 / 50 ms = 20 parcels/s (shown, no target).

Then the queue job (what the scheduler runs for a bulk action above 20
deliveries) sends the same 200 deliveries, queued and committed, from 1 and
then 2 worker processes at once (each one like an Odoo server's cron worker:
its own registry, one transaction per job of ``BULK_BATCH`` deliveries, the
jobs taken with ``SKIP LOCKED``), interleaved; what they commit is undone
between rounds.

Then one bulk run against the fake without latency is profiled and the
per-parcel bookkeeping is broken down (courier calls, attempts, booking:
label attachment, delivery write, courier cost, chatter, status event...).

    python3 benchmarks/bench_courier_bulk.py [--database NAME] [--repeat N]
"""

import argparse
import cProfile
import os
import pstats
import re
import socket
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))

from common import (
    ADDON_DIR,
    Result,
    _load_config,
    ensure_database,
    interleaved,
    odoo_env,
    parse_args,
    report,
)

from couriers.fakes import FakeGls

PARCELS = 200
LATENCY = 0.05
TARGET_RATE = 100  # parcels/s
PREFIX = "BENCH-AWB-C"
CARRIER = "Bench bulk GLS"

# The steps of the bookkeeping, as (label, module path suffix, function name);
# their cumulative times overlap where one calls the other (indented labels).
# Where several files define the function (overrides calling super()), the
# outermost one, with the largest cumulative time, counts.
BREAKDOWN = [
    (
        "claim the deliveries' rows",
        "delivery_carrier_shipment_batch.py",
        "_fulfilment_claim",
    ),
    ("read the last attempts", "fulfilment_shipment_attempt.py", "_read_committed"),
    ("plan the jobs", "delivery_carrier_shipment.py", "_fulfilment_job"),
    (
        "attempts before the calls (own commit)",
        "fulfilment_shipment_attempt.py",
        "_write_detached_many",
    ),
    ("courier calls (in a thread: not profiled)", "shipping.py", "send_all"),
    (
        "answers + exchanges (own commit)",
        "delivery_carrier_shipment.py",
        "_fulfilment_record",
    ),
    ("  attempts (one upsert)", "fulfilment_shipment_attempt.py", "_upsert"),
    ("  exchanges (one insert)", "fulfilment_courier_log.py", "_insert"),
    ("book each AWB: send_to_shipper", "stock_picking.py", "send_to_shipper"),
    ("  _fulfilment_book", "delivery_carrier_shipment.py", "_fulfilment_book"),
    (
        "  book the batch at once",
        "delivery_carrier_shipment_batch.py",
        "_fulfilment_book_many",
    ),
    ("    label attachments", "ir_attachment.py", "create"),
    ("    chatter notes (one insert)", "mail_thread.py", "_message_log_batch"),
    (
        "    courier cost on the orders",
        "stock_picking_courier.py",
        "_fulfilment_update_order_courier_cost",
    ),
    ("    status event (all orders)", "sale_order.py", "_fulfilment_trigger_event"),
    ("      history", "sale_order.py", "_fulfilment_status_entered"),
    ("      notifications queued", "fulfilment_notification.py", "_queue"),
    (
        "      tracking, all orders (one insert)",
        "sale_order.py",
        "_fulfilment_log_tracking",
    ),
    ("message_post (tracking one by one)", "mail_thread.py", "message_post"),
    ("flush to the database", "environments.py", "flush_all"),
    ("commit-time work (tracking)", "misc.py", "run"),
]


class FakeCouriers:
    """The fake couriers in a process of their own, answering each call after
    ``latency`` seconds: like a real courier, their work (rendering and
    reading the XML) is not done by the process that sends, on its CPU and
    under its interpreter lock."""

    def __init__(self, latency):
        ports = []
        for _index in range(4):
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                ports.append(probe.getsockname()[1])
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "couriers.fakes",
                "--ports",
                ",".join(map(str, ports)),
                "--latency",
                str(latency),
            ],
            cwd=ADDON_DIR,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.url = None
        for _index in range(4):
            line = self.process.stdout.readline()
            if "(gls;" in line:
                self.url = re.search(r"http://\S+", line).group(0)
        assert self.url, "the fake GLS did not start"

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.process.terminate()
        self.process.wait()


def build(env):
    """200 confirmed orders of 200 customers with a GLS delivery (once,
    committed)."""
    from odoo import Command

    Order = env["sale.order"]
    if Order.search_count([("client_order_ref", "=like", PREFIX + "%")]) >= PARCELS:
        return
    product = env["product.product"].create(
        {"name": "Bench parcel", "type": "consu", "weight": 1.2, "list_price": 50}
    )
    # One customer per order, as in a shop: two worker processes booking
    # orders of one customer at once would both write its partner.
    partners = env["res.partner"].create(
        [
            {
                "name": f"Bench Customer {index}",
                "street": "Str. Victoriei 12",
                "city": "Bucuresti",
                "zip": "010061",
                "country_id": env.ref("base.ro").id,
                "phone": "+40721000111",
                "email": f"bench.customer.{index}@example.com",
            }
            for index in range(PARCELS)
        ]
    )
    carrier = env["delivery.carrier"].search([("name", "=", CARRIER)], limit=1) or env[
        "delivery.carrier"
    ].create(
        {
            "name": CARRIER,
            "delivery_type": "gls",
            "integration_level": "rate",
            "product_id": env["product.product"]
            .create({"name": "Bench shipping", "type": "service"})
            .id,
            "fulfilment_api_url": "http://127.0.0.1:9/",
            "fulfilment_username": "demo",
            "fulfilment_password": "demo-pass",
            "fulfilment_client_id": FakeGls.client_number,
        }
    )
    orders = Order.create(
        [
            {
                "partner_id": partners[index].id,
                "carrier_id": carrier.id,
                "client_order_ref": f"{PREFIX}{index}",
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 1})
                ],
            }
            for index in range(PARCELS)
        ]
    )
    orders.action_confirm()
    env.cr.commit()
    print(f"built {PARCELS} orders with a GLS delivery")


def worker(args):
    """A worker process: runs the queue job, like a cron worker, each time
    the benchmark says "go", until no job is left; answers with its count."""
    import odoo
    from odoo import api

    _load_config(args.config)
    registry = odoo.modules.registry.Registry(args.database)
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() != "go":
            break
        sent = 0
        while True:
            with registry.cursor() as cr:
                env = api.Environment(cr, odoo.SUPERUSER_ID, {})
                done, _remaining = env["delivery.carrier"]._fulfilment_send_queued()
            if not done:
                break
            sent += done
        print(f"done {sent}", flush=True)


class Workers:
    """``count`` worker processes on the benchmark's database."""

    def __init__(self, args, count):
        self.processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    os.path.abspath(__file__),
                    "--config",
                    args.config,
                    "--database",
                    args.database,
                    "--worker",
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _index in range(count)
        ]
        for process in self.processes:
            assert process.stdout.readline().strip() == "ready"

    def run(self):
        """Let them all go at once; the deliveries they sent."""
        for process in self.processes:
            process.stdin.write("go\n")
            process.stdin.flush()
        return sum(
            int(process.stdout.readline().split()[1]) for process in self.processes
        )

    def close(self):
        for process in self.processes:
            process.stdin.close()
            process.wait()


def breakdown(stats, parcels):
    """ms per parcel of each step of ``BREAKDOWN`` in the profile ``stats``."""
    rows = []
    for label, path, function in BREAKDOWN:
        cumulative = max(
            (
                values[3]
                for (filename, _line, name), values in stats.stats.items()
                if name == function and filename.endswith(path)
            ),
            default=0.0,
        )
        rows.append((label, cumulative * 1000 / parcels))
    return rows


def main():
    args = parse_args(
        __doc__.splitlines()[0],
        "courier_bulk",
        repeat=3,
        extra=lambda parser: parser.add_argument(
            "--worker", action="store_true", help=argparse.SUPPRESS
        ),
    )
    if args.worker:
        worker(args)
        return
    ensure_database(args)
    with (
        FakeCouriers(LATENCY) as slow,
        FakeCouriers(0.0) as quick,
        odoo_env(args.config, args.database) as env,
    ):
        fake = {"url": slow.url}
        from odoo.addons.order_fulfilment.models.delivery_carrier_shipment import (
            BULK_CONCURRENCY,
        )

        build(env)
        Carrier = env["delivery.carrier"]
        carrier = Carrier.search([("name", "=", CARRIER)], limit=1)
        orders = env["sale.order"].search(
            [("client_order_ref", "=like", PREFIX + "%")], order="id"
        )
        picking_ids = orders.picking_ids.ids
        counts = {}

        # The customers are told of the "AWB created" status (an e-mail,
        # queued by the status engine, sent later by its own job).
        env.ref("order_fulfilment.status_ready_to_ship").mail_template_id = env.ref(
            "order_fulfilment.mail_template_status_update"
        )
        env.cr.commit()
        order_ids = tuple(orders.ids)
        env.cr.execute(
            "SELECT id, fulfilment_status_id FROM sale_order WHERE id IN %s",
            [order_ids],
        )
        statuses = env.cr.fetchall()
        env.cr.execute("SELECT max(id) FROM mail_message")
        message_mark = env.cr.fetchone()[0]

        def reset_committed():
            """Undo what the worker processes committed: the deliveries' AWBs,
            labels and notes, the orders' status, history and notifications."""
            env.cr.rollback()
            env.cr.execute(
                "UPDATE stock_picking SET carrier_tracking_ref = NULL, "
                "carrier_price = 0, fulfilment_courier_price = 0, "
                "fulfilment_cod_amount = 0, fulfilment_send_queued = false, "
                "fulfilment_parcel_id = NULL, fulfilment_label_id = NULL "
                "WHERE id IN %s",
                [tuple(picking_ids)],
            )
            env.cr.execute(
                "DELETE FROM ir_attachment WHERE res_model = 'stock.picking' "
                "AND res_id IN %s",
                [tuple(picking_ids)],
            )
            env.cr.execute(
                "DELETE FROM mail_message WHERE id > %s AND ("
                "(model = 'stock.picking' AND res_id IN %s) OR "
                "(model = 'sale.order' AND res_id IN %s))",
                [message_mark, tuple(picking_ids), order_ids],
            )
            env.cr.execute(
                "DELETE FROM fulfilment_status_history "
                "WHERE order_id IN %s AND event = 'awb_created'",
                [order_ids],
            )
            env.cr.execute(
                "DELETE FROM fulfilment_notification WHERE order_id IN %s",
                [order_ids],
            )
            env.cr.executemany(
                "UPDATE sale_order SET fulfilment_status_id = %s, "
                "fulfilment_courier_cost = 0 WHERE id = %s",
                [(status, order) for order, status in statuses],
            )
            env.cr.commit()

        def reset():
            """Undo a run, including what sending commits on its own."""
            env.cr.rollback()
            env.cr.postcommit.clear()
            reset_committed()
            env.cr.execute(
                "DELETE FROM fulfilment_shipment_attempt WHERE picking_id IN %s",
                [tuple(picking_ids)],
            )
            env.cr.execute(
                "DELETE FROM fulfilment_courier_log WHERE picking_id IN %s "
                "OR (picking_id IS NULL AND carrier_id = %s)",
                [tuple(picking_ids), carrier.id],
            )
            carrier.fulfilment_api_url = fake["url"]
            env.cr.commit()
            env.invalidate_all()

        def pickings():
            return env["stock.picking"].browse(picking_ids)

        def bulk():
            results = Carrier._fulfilment_send_batch(pickings())
            # What the commit would do (Odoo's tracking messages), then not
            # committed.
            env.flush_all()
            env.cr.precommit.run()
            env.flush_all()
            counts["bulk"] = sum(1 for _picking, ok, _message in results if ok)

        def one_by_one():
            for picking in pickings():
                picking.send_to_shipper()
            env.flush_all()
            env.cr.precommit.run()
            env.flush_all()
            counts["sequential"] = len(pickings().filtered("carrier_tracking_ref"))

        bulk_ms, sequential_ms = interleaved(
            env, [bulk, one_by_one], args.repeat, setup=reset, min_seconds=0
        )
        reset()
        assert counts == {"bulk": PARCELS, "sequential": PARCELS}, counts

        # The queue job from 1 and 2 worker processes, interleaved.
        pool = {count: Workers(args, count) for count in (1, 2)}
        rates = {1: [], 2: []}
        try:
            for round_ in range(args.repeat + 1):
                order = (1, 2) if round_ % 2 else (2, 1)
                for count in order:
                    reset()
                    env["stock.picking"].browse(picking_ids).write(
                        {"fulfilment_send_queued": True}
                    )
                    env.cr.commit()
                    start = time.perf_counter()
                    sent = pool[count].run()
                    elapsed = time.perf_counter() - start
                    assert sent == PARCELS, (count, sent)
                    if round_:  # the first round warms the workers up
                        rates[count].append(PARCELS / elapsed)
        finally:
            for workers in pool.values():
                workers.close()
        fake["url"] = quick.url
        reset()

        # Where the time of a bulk run goes, without the courier's latency.
        profiler = cProfile.Profile()
        profiler.runcall(bulk)
        reset()
        stats = pstats.Stats(profiler)
        total = stats.total_tt * 1000 / PARCELS

    floor_bulk = BULK_CONCURRENCY / LATENCY
    floor_sequential = 1 / LATENCY
    rate_bulk = PARCELS / (bulk_ms.median / 1000)
    rate_sequential = PARCELS / (sequential_ms.median / 1000)
    print(f"parcels: {PARCELS}, courier latency: {LATENCY * 1000:.0f} ms per call")
    print(
        f"bulk ({BULK_CONCURRENCY} parallel calls): {bulk_ms} ms, "
        f"{rate_bulk:.1f} parcels/s, {rate_bulk / floor_bulk:.0%} of the "
        f"{floor_bulk:.0f}/s floor"
    )
    print(
        f"Odoo's send_to_shipper one by one: {sequential_ms} ms, "
        f"{rate_sequential:.1f} parcels/s, {rate_sequential / floor_sequential:.0%} "
        f"of the {floor_sequential:.0f}/s floor"
    )
    for count, samples in rates.items():
        rate = statistics.median(samples)
        print(
            f"queue job, {count} worker process(es): {rate:.1f} parcels/s "
            f"(runs: {', '.join(f'{sample:.1f}' for sample in samples)}), "
            f"{rate / floor_bulk:.0%} of the {floor_bulk:.0f}/s floor of "
            f"{BULK_CONCURRENCY} calls at once"
        )
    print(f"\nbulk run without latency, profiled: {total:.1f} ms per parcel in all")
    for label, per_parcel in breakdown(stats, PARCELS):
        print(f"  {label:42} {per_parcel:7.2f} ms/parcel")
    print(f"load average: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    report(
        [
            Result(
                "courier bulk",
                f"bulk AWB sending, {PARCELS} parcels, 50 ms",
                rate_bulk,
                "/s",
                "latency floor",
                floor_bulk,
                target=TARGET_RATE,
                minimum=True,
                absolute=True,
                note=f"Odoo's send_to_shipper one by one: {rate_sequential:.1f}"
                f"/s (floor {floor_sequential:.0f}/s)",
            ),
            *(
                Result(
                    "courier bulk",
                    f"queue job, {PARCELS} parcels, {count} process(es)",
                    statistics.median(samples),
                    "/s",
                    "latency floor",
                    floor_bulk,
                    target=TARGET_RATE,
                    minimum=True,
                    absolute=True,
                )
                for count, samples in rates.items()
            ),
        ]
    )


if __name__ == "__main__":
    main()

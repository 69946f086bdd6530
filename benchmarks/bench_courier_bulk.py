"""Bulk AWB sending: parcels per second against the courier's latency floor.

Builds, once, 200 confirmed orders with a GLS delivery (GLS returns the label
with the AWB: one call per parcel). Each run sends their deliveries to a
local fake GLS answering every call after 50 ms, and is reset afterwards (the
transaction rolled back, the shipment attempts and courier logs that sending
commits on their own deleted), so every run calls the courier for every
parcel. Timed interleaved in the same run:

- the bulk action's sending (``_fulfilment_send_batch``: 8 calls at once,
  then each AWB booked in Odoo): its floor is 8 / 50 ms = 160 parcels/s;
  target: at least 100 parcels/s;
- Odoo's own ``send_to_shipper``, one delivery after the other: its floor is
  1 / 50 ms = 20 parcels/s (shown, no target).

Then one bulk run against the fake without latency is profiled and the
per-parcel bookkeeping is broken down (courier calls, attempts, booking:
label attachment, delivery write, courier cost, chatter, status event...).

    python3 benchmarks/bench_courier_bulk.py [--database NAME] [--repeat N]
"""

import cProfile
import os
import pstats
import sys

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))

from common import Result, ensure_database, interleaved, odoo_env, parse_args, report

from couriers.fakes import FakeGls

PARCELS = 200
LATENCY = 0.05
TARGET_RATE = 100  # parcels/s
PREFIX = "BENCH-AWB-"
CARRIER = "Bench bulk GLS"

# The steps of the bookkeeping, as (label, module path suffix, function name);
# their cumulative times overlap where one calls the other (indented labels).
# Where several files define the function (overrides calling super()), the
# outermost one, with the largest cumulative time, counts.
BREAKDOWN = [
    ("claim the deliveries' rows", "delivery_carrier_shipment.py", "_fulfilment_claim"),
    ("read the last attempts", "fulfilment_shipment_attempt.py", "_read_committed"),
    ("plan the jobs", "delivery_carrier_shipment.py", "_fulfilment_job"),
    (
        "record the attempts (own transaction)",
        "fulfilment_shipment_attempt.py",
        "_write_detached_many",
    ),
    ("courier calls (8 at once)", "shipping.py", "send_all"),
    ("record the answers", "delivery_carrier_shipment.py", "_fulfilment_record"),
    ("book each AWB: send_to_shipper", "stock_picking.py", "send_to_shipper"),
    ("  _fulfilment_book", "delivery_carrier_shipment.py", "_fulfilment_book"),
    ("    label attachment", "ir_attachment.py", "create"),
    ("    delivery write", "stock_picking.py", "write"),
    (
        "    courier cost on the order",
        "stock_picking_courier.py",
        "_fulfilment_update_order_courier_cost",
    ),
    ("    status event", "sale_order.py", "_fulfilment_trigger_event"),
    ("  chatter messages", "mail_thread.py", "message_post"),
    ("flush to the database", "environments.py", "flush_all"),
]


def build(env):
    """200 confirmed orders with a GLS delivery (once, committed)."""
    from odoo import Command

    Order = env["sale.order"]
    if Order.search_count([("client_order_ref", "=like", PREFIX + "%")]) >= PARCELS:
        return
    product = env["product.product"].create(
        {"name": "Bench parcel", "type": "consu", "weight": 1.2, "list_price": 50}
    )
    partner = env["res.partner"].create(
        {
            "name": "Bench Customer",
            "street": "Str. Victoriei 12",
            "city": "Bucuresti",
            "zip": "010061",
            "country_id": env.ref("base.ro").id,
            "phone": "+40721000111",
        }
    )
    carrier = env["delivery.carrier"].create(
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
                "partner_id": partner.id,
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
    args = parse_args(__doc__.splitlines()[0], "courier_bulk", repeat=3)
    ensure_database(args)
    with FakeGls() as fake, odoo_env(args.config, args.database) as env:
        from odoo.addons.order_fulfilment.models.delivery_carrier_shipment import (
            BULK_CONCURRENCY,
        )

        build(env)
        Carrier = env["delivery.carrier"]
        carrier = Carrier.search([("name", "=", CARRIER)])
        orders = env["sale.order"].search(
            [("client_order_ref", "=like", PREFIX + "%")], order="id"
        )
        picking_ids = orders.picking_ids.ids
        counts = {}

        def reset():
            """Undo a run, including what sending commits on its own."""
            env.cr.rollback()
            env.cr.postcommit.clear()
            env.cr.execute(
                "DELETE FROM fulfilment_shipment_attempt WHERE picking_id IN %s",
                [tuple(picking_ids)],
            )
            env.cr.execute(
                "DELETE FROM fulfilment_courier_log WHERE picking_id IN %s "
                "OR (picking_id IS NULL AND carrier_id = %s)",
                [tuple(picking_ids), carrier.id],
            )
            carrier.fulfilment_api_url = fake.url
            env.cr.commit()
            env.invalidate_all()

        def pickings():
            return env["stock.picking"].browse(picking_ids)

        def bulk():
            results = Carrier._fulfilment_send_batch(pickings())
            env.flush_all()
            counts["bulk"] = sum(1 for _picking, ok, _message in results if ok)

        def one_by_one():
            for picking in pickings():
                picking.send_to_shipper()
            env.flush_all()
            counts["sequential"] = len(pickings().filtered("carrier_tracking_ref"))

        fake.latency = LATENCY
        bulk_ms, sequential_ms = interleaved(
            env, [bulk, one_by_one], args.repeat, setup=reset, min_seconds=0
        )
        reset()
        assert counts == {"bulk": PARCELS, "sequential": PARCELS}, counts

        # Where the time of a bulk run goes, without the courier's latency.
        fake.latency = 0.0
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
            )
        ]
    )


if __name__ == "__main__":
    main()

"""Bulk AWB creation against a fake courier with 50 ms latency per call.

Creates 200 confirmed orders with a GLS delivery (GLS returns the label with the
AWB: one call per parcel), then sends them to the local fake courier:
sequentially as Odoo's own ``send_to_shipper`` would one by one, and with the
bulk action's parallel calls. Prints parcels per second against the latency
floor of each (sequential: 1 / 50 ms = 20/s; parallel: concurrency x 20/s).

The bulk action calls the courier in parallel but records each AWB (label
attachment, chatter, status event, courier cost) in Odoo one after the other,
so its real floor is the lower of the latency floor and what that bookkeeping
allows. The third run measures the latter: the same bulk send against the
fake courier without latency. Target: the bulk action reaches at least 80 %
of min(latency floor, bookkeeping ceiling).

    python3 benchmarks/bench_courier_bulk.py [--database NAME]
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))

from common import ensure_database, odoo_env, parse_args

from couriers.fakes import FakeGls

PARCELS = 200
LATENCY = 0.05


def make_pickings(env, carrier, count):
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
    orders = env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "carrier_id": carrier.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": 1})
                ],
            }
            for _index in range(count)
        ]
    )
    orders.action_confirm()
    return orders.picking_ids


def main():
    args = parse_args(__doc__.splitlines()[0], "order_fulfilment_bench")
    ensure_database(args.config, args.database)
    with FakeGls() as fake, odoo_env(args.config, args.database) as env:
        fake.latency = LATENCY
        from odoo.addons.order_fulfilment.models.delivery_carrier_shipment import (
            BULK_CONCURRENCY,
        )

        carrier = env["delivery.carrier"].create(
            {
                "name": "Bench GLS",
                "delivery_type": "gls",
                "integration_level": "rate",
                "product_id": env["product.product"]
                .create({"name": "Bench shipping", "type": "service"})
                .id,
                "fulfilment_api_url": fake.url,
                "fulfilment_username": "demo",
                "fulfilment_password": "demo-pass",
                "fulfilment_client_id": fake.client_number,
            }
        )
        sequential = make_pickings(env, carrier, PARCELS)
        bulk = make_pickings(env, carrier, PARCELS)
        ceiling = make_pickings(env, carrier, PARCELS)
        env.cr.commit()

        started = time.perf_counter()
        for picking in sequential:
            picking.send_to_shipper()
        sequential_seconds = time.perf_counter() - started
        env.cr.commit()

        started = time.perf_counter()
        results = env["delivery.carrier"]._fulfilment_send_batch(bulk)
        bulk_seconds = time.perf_counter() - started
        env.cr.commit()

        fake.latency = 0.0
        started = time.perf_counter()
        ceiling_results = env["delivery.carrier"]._fulfilment_send_batch(ceiling)
        ceiling_seconds = time.perf_counter() - started
        env.cr.commit()

        sent = sum(1 for _picking, ok, _message in results if ok)
        floor_sequential = 1 / LATENCY
        floor_bulk = BULK_CONCURRENCY / LATENCY
        rate_sequential = PARCELS / sequential_seconds
        rate_bulk = sent / bulk_seconds
        rate_ceiling = (
            sum(1 for _picking, ok, _message in ceiling_results if ok) / ceiling_seconds
        )
        floor_design = min(floor_bulk, rate_ceiling)
        print(f"parcels: {PARCELS}, courier latency: {LATENCY * 1000:.0f} ms per call")
        print(
            f"sequential send_to_shipper: {sequential_seconds:6.2f} s  "
            f"{rate_sequential:6.1f} parcels/s  floor {floor_sequential:.0f}/s  "
            f"({rate_sequential / floor_sequential:.0%} of floor)"
        )
        print(
            f"bulk action ({BULK_CONCURRENCY} parallel): {bulk_seconds:6.2f} s  "
            f"{rate_bulk:6.1f} parcels/s  floor {floor_bulk:.0f}/s  "
            f"({rate_bulk / floor_bulk:.0%} of the latency floor)"
        )
        print(
            f"bookkeeping ceiling (bulk, no latency): {ceiling_seconds:6.2f} s  "
            f"{rate_ceiling:6.1f} parcels/s"
        )
        print(
            f"bulk action vs the floor its design allows, min({floor_bulk:.0f}, "
            f"{rate_ceiling:.1f}) = {floor_design:.1f}/s: "
            f"{rate_bulk / floor_design:.0%} (target >= 80%)"
        )
        print(
            f"AWBs created at the courier: {len(fake.shipments)} "
            f"for {3 * PARCELS} parcels"
        )


if __name__ == "__main__":
    main()

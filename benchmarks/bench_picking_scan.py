"""Server time of one scan on the picking screen vs Odoo's own move line write.

Builds a delivery of 50 lines (10 units each) and scans it to the end as a
picker: 500 calls of ``stock.picking.fulfilment_scan(barcode)``, each timed
from an empty record cache to the flush of its writes, as one RPC would be.
In the same run, on a second delivery of the same 50 lines, times Odoo's own
write of ``quantity`` (+1, picked) on a move line, 500 times, interleaved
with the scans (scan, write, write, scan...). Target: p95 of a scan <= 50 ms.
Everything is rolled back at the end.

    python3 benchmarks/bench_picking_scan.py [--database NAME]
"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from common import Result, ensure_database, odoo_env, parse_args, report

LINE_COUNT = 50
UNITS_PER_LINE = 10
TARGET_P95_MS = 50.0


def build_delivery(env, products, partner):
    """A confirmed order of every product, and its delivery, reserved."""
    from odoo import Command

    order = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "order_line": [
                Command.create(
                    {"product_id": product.id, "product_uom_qty": UNITS_PER_LINE}
                )
                for product in products
            ],
        }
    )
    order.action_confirm()
    picking = order.picking_ids
    picking.action_assign()
    assert picking.state == "assigned" and len(picking.move_ids) == LINE_COUNT
    return picking


def percentiles(samples):
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95


def time_interleaved(env, first, second):
    """Time two lists of calls, alternating between them (A B, B A, ...), each
    call from an empty cache to its writes flushed."""
    samples = ([], [])
    for index, calls in enumerate(zip(first, second, strict=True)):
        order = (0, 1) if index % 2 == 0 else (1, 0)
        for side in order:
            env.invalidate_all()
            start = time.perf_counter()
            calls[side]()
            env.flush_all()
            samples[side].append((time.perf_counter() - start) * 1000)
    return samples


def main():
    args = parse_args(__doc__.splitlines()[0], "picking_scan")
    ensure_database(args)
    with odoo_env(args.config, args.database) as env:
        from odoo import Command

        started = time.perf_counter()
        picker = env["res.users"].create(
            {
                "name": "Benchmark picker",
                "login": "bench_picker",
                "groups_id": [
                    Command.set([env.ref("order_fulfilment.group_picker").id])
                ],
            }
        )
        partner = env["res.partner"].create({"name": "Benchmark customer"})
        stock = env["stock.warehouse"].search([], limit=1).lot_stock_id
        products = env["product.product"].create(
            [
                {
                    "name": f"Bench product {index:02d}",
                    "type": "consu",
                    "is_storable": True,
                    "barcode": f"BENCH-SCAN-{index:02d}",
                }
                for index in range(LINE_COUNT)
            ]
        )
        for product in products:
            env["stock.quant"]._update_available_quantity(product, stock, 10_000)
        scanned = build_delivery(env, products, partner)
        written = build_delivery(env, products, partner)
        env.flush_all()
        print(
            f"built 2 deliveries of {LINE_COUNT} lines in "
            f"{time.perf_counter() - started:.1f} s"
        )

        picker_env = env(user=picker)
        # Scans go round the lines: each of the 500 scans hits a line with room.
        barcodes = [
            products[index % LINE_COUNT].barcode
            for index in range(LINE_COUNT * UNITS_PER_LINE)
        ]
        pickings = picker_env["stock.picking"]
        results = []

        def scan(barcode):
            # As an RPC does: a fresh recordset of the picking's id.
            results.append(pickings.browse(scanned.id).fulfilment_scan(barcode))

        # Odoo's own way: the quantity of a move line written by hand, one unit
        # at a time, from zero (as a user counting in the detailed operations).
        written.move_line_ids.write({"quantity": 0})
        env.flush_all()
        lines = written.with_env(picker_env).move_line_ids.sorted("id")
        line_ids = [lines[index % LINE_COUNT].id for index in range(len(barcodes))]
        move_lines = picker_env["stock.move.line"]

        def write_quantity(line_id):
            line = move_lines.browse(line_id)
            line.write({"quantity": line.quantity + 1, "picked": True})

        scan_samples, write_samples = time_interleaved(
            picker_env,
            [lambda barcode=barcode: scan(barcode) for barcode in barcodes],
            [lambda line_id=line_id: write_quantity(line_id) for line_id in line_ids],
        )
        refused = [result["message"] for result in results if not result["ok"]]
        assert not refused, refused[:3]
        assert all(
            move.picked and move.quantity == UNITS_PER_LINE for move in scanned.move_ids
        )
        env.cr.rollback()

    scan_p50, scan_p95 = percentiles(scan_samples)
    write_p50, write_p95 = percentiles(write_samples)
    print(f"{len(scan_samples)} scans on a delivery of {LINE_COUNT} lines")
    report(
        [
            Result(
                "picking scan",
                "scan p50 (picker)",
                scan_p50,
                "ms",
                "Odoo move line write",
                write_p50,
                target=TARGET_P95_MS,
                absolute=True,
            ),
            Result(
                "picking scan",
                "scan p95 (picker)",
                scan_p95,
                "ms",
                "Odoo move line write",
                write_p95,
                target=TARGET_P95_MS,
                absolute=True,
            ),
        ]
    )


if __name__ == "__main__":
    main()

"""Shipping prices of 1,000 carts and address checks of 10,000 orders.

Builds 1,000 carts (one to three products, customers at ten real Romanian
localities) and, from them, 10,000 orders in bulk (SQL), then times in the
same run, on the same rows:

- Odoo's own "Based on Rules" carrier (``base_on_rule``) pricing every cart:
  the baseline;
- a courier carrier priced by the same rules (``fulfilment_price_source =
  'rules'``) and the distance formula carrier (``fulfilment_formula``), each
  pricing every cart (target: at most 1.5 × the baseline);
- the address check (``fulfilment_address_problems``) of 10,000 orders
  against the locality nomenclature (target: at most 2 s).

Needs the locality nomenclature (OCA l10n_ro_city) in the database, as
scripts/test and scripts/demo install it. Everything is rolled back at the
end, so the benchmark can be run again.

    python3 benchmarks/bench_shipping_rates.py [--database NAME] [--rebuild]
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from common import ensure_database, odoo_env, parse_args

CART_COUNT = 1_000
ORDER_COUNT = 10_000
RATE_TARGET = 1.5  # × Odoo's base_on_rule
CHECK_TARGET_MS = 2_000
LOCALITIES = [
    # name, county, postal code, street
    ("Brașov", "RO_BV", "500030", "Str. Republicii 88"),
    ("Codlea", "RO_BV", "505100", "Str. Lungă 5"),
    ("Cluj-Napoca", "RO_CJ", "400129", "Bd. Eroilor 45"),
    ("Iași", "RO_IS", "700057", "Str. Lăpușneanu 7"),
    ("Timișoara", "RO_TM", "300222", "Str. Mihai Viteazu 3"),
    ("Constanța", "RO_CT", "900001", "Str. Mărășești 19"),
    ("Sibiu", "RO_SB", "550001", "Str. Independenței 25"),
    ("Suceava", "RO_SV", "720003", "Str. Ștefan cel Mare 60"),
    ("Oradea", "RO_BH", "410095", "Str. Avram Iancu 9"),
    ("Codlea", "RO_BV", "505101", "Str. Lungă"),  # wrong code, no number
]


def build(env):
    """The carriers, the customers, the carts and the orders."""
    from odoo import Command

    started = time.perf_counter()
    ro = env.ref("base.ro")
    env["stock.warehouse"].search([], limit=1).partner_id.write(
        {"city": "Brașov", "zip": "500030", "state_id": env.ref("base.RO_BV").id}
    )
    env.company.partner_id.country_id = ro
    customers = env["res.partner"].create(
        [
            {
                "name": f"Bench customer {index}",
                "street": street,
                "city": city,
                "zip": zip_code,
                "state_id": env.ref(f"base.{state}").id,
                "country_id": ro.id,
                "mobile": f"+40 721 100 {200 + index}",
            }
            for index, (city, state, zip_code, street) in enumerate(LOCALITIES)
        ]
    )
    products = env["product.product"].create(
        [
            {"name": f"Bench product {index}", "type": "consu", "weight": weight}
            for index, weight in enumerate((0.3, 1.2, 4.0, 12.5))
        ]
    )
    delivery = env["product.product"].create(
        {"name": "Bench delivery", "type": "service", "taxes_id": False}
    )
    rules = [
        Command.create(
            {
                "variable": "weight",
                "operator": "<=",
                "max_value": 5,
                "list_base_price": 17.5,
            }
        ),
        Command.create(
            {
                "variable": "weight",
                "operator": ">",
                "max_value": 5,
                "list_base_price": 17.5,
                "list_price": 1.2,
                "variable_factor": "weight",
            }
        ),
    ]
    common = {"product_id": delivery.id, "country_ids": [Command.set(ro.ids)]}
    carriers = {
        "base_on_rule": env["delivery.carrier"].create(
            {
                "name": "Bench Odoo rules",
                "delivery_type": "base_on_rule",
                "price_rule_ids": rules,
                **common,
            }
        ),
        "courier_rules": env["delivery.carrier"].create(
            {
                "name": "Bench FAN rules",
                "delivery_type": "fan_courier",
                "fulfilment_price_source": "rules",
                "price_rule_ids": rules,
                **common,
            }
        ),
        "formula": env["delivery.carrier"].create(
            {
                "name": "Bench formula",
                "delivery_type": "fulfilment_formula",
                "fulfilment_formula_base": 9,
                "fulfilment_formula_included_weight": 5,
                "fulfilment_formula_per_kg": 1,
                "fulfilment_formula_included_items": 3,
                "fulfilment_formula_per_item": 2,
                "fulfilment_formula_per_km": 0.25,
                "fulfilment_formula_max_price": 60,
                **common,
            }
        ),
    }
    carts = env["sale.order"].create(
        [
            {
                "partner_id": customers[index % len(customers)].id,
                "carrier_id": carriers["courier_rules"].id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": products[(index + line) % len(products)].id,
                            "product_uom_qty": 1 + (index + line) % 3,
                        }
                    )
                    for line in range(1 + index % 3)
                ],
            }
            for index in range(CART_COUNT)
        ]
    )
    env.flush_all()
    # 10,000 orders for the address check: copies of the carts, in SQL.
    env.cr.execute(
        """
        SELECT column_name FROM information_schema.columns
         WHERE table_name = 'sale_order'
           AND column_name NOT IN ('id', 'name', 'access_token')
        """
    )
    names = [row[0] for row in env.cr.fetchall()]
    columns = ", ".join(f'"{name}"' for name in names)
    copied = ", ".join(f'o."{name}"' for name in names)
    env.cr.execute(
        f"""
        INSERT INTO sale_order (name, {columns})
        SELECT 'BENCH-SHIP-' || g || '-' || o.id, {copied}
          FROM sale_order o, generate_series(1, %s) g
         WHERE o.id IN %s
        RETURNING id
        """,
        [ORDER_COUNT // CART_COUNT - 1, tuple(carts.ids)],
    )
    orders = carts | env["sale.order"].browse(row[0] for row in env.cr.fetchall())
    print(
        f"built {len(carts)} carts and {len(orders)} orders in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return carriers, carts, orders


def measure(env, carriers, carts, orders, repeat=3):
    """Wall times (ms) of pricing every cart with each carrier and of checking
    every order's address; the best of ``repeat`` runs, caches dropped."""

    def best(func):
        times = []
        for _run in range(repeat):
            env.invalidate_all()
            start = time.perf_counter()
            func()
            times.append((time.perf_counter() - start) * 1000)
        return min(times)

    def rate_all(carrier):
        prices = [carrier.rate_shipment(cart)["price"] for cart in carts]
        assert all(price > 0 for price in prices), "every cart is priced"

    # Warm-up: gazetteer, registry caches.
    for carrier in carriers.values():
        carrier.rate_shipment(carts[0])
    results = {
        name: best(lambda c=carrier: rate_all(c)) for name, carrier in carriers.items()
    }

    def check_all():
        problems = orders.mapped("fulfilment_address_problems")
        assert sum(1 for text in problems if text) == len(orders) // len(LOCALITIES)

    results["address_check"] = best(check_all)
    return results


def main():
    args = parse_args(__doc__.splitlines()[0], "order_fulfilment_bench")
    if args.rebuild:
        ensure_database(args.config, args.database)
    with odoo_env(args.config, args.database) as env:
        try:
            if not env["ir.module.module"].search_count(
                [("name", "=", "l10n_ro_city"), ("state", "=", "installed")]
            ):
                sys.exit("The database needs the nomenclature: install l10n_ro_city.")
            carriers, carts, orders = build(env)
            results = measure(env, carriers, carts, orders)
        finally:
            env.cr.rollback()
    baseline = results["base_on_rule"]
    print(f"Odoo base_on_rule, {CART_COUNT} carts : {baseline:8.0f} ms")
    failed = False
    for name in ("courier_rules", "formula"):
        ratio = results[name] / baseline
        ok = ratio <= RATE_TARGET
        failed |= not ok
        print(
            f"{name:<15}, {CART_COUNT} carts : {results[name]:8.0f} ms "
            f"({ratio:.2f}× baseline, target ≤ {RATE_TARGET}×) {'OK' if ok else 'OVER'}"
        )
    ok = results["address_check"] <= CHECK_TARGET_MS
    failed |= not ok
    print(
        f"address check, {len(orders)} orders: {results['address_check']:8.0f} ms "
        f"(target ≤ {CHECK_TARGET_MS} ms) {'OK' if ok else 'OVER'}"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

"""Shipping prices of 1,000 carts vs base_on_rule; address checks of 10,000 orders.

Builds, once, in its own database with the Romanian locality nomenclature
(OCA ``l10n_ro_city``): a warehouse in Brașov; 1,000 carts of one to three
products for 1,000 customers at real Romanian localities (towns, communes
and villages of several counties); 10,000 orders, each with its own delivery
address (9,000 of them copied in SQL from the carts' customers, so that no
two orders share an address or a mobile number), one in ten with a wrong
postal code and no house number. Then times, interleaved in the same run:

- pricing every cart with a courier carrier priced by Odoo's price rules
  (``fulfilment_price_source = 'rules'``) and with the distance formula
  carrier (``fulfilment_formula``), each against Odoo's own "Based on Rules"
  carrier (``base_on_rule``) with the same rules: target at most 1.5 × Odoo;
- the address check (``fulfilment_address_problems``) of the 10,000 orders
  against the nomenclature: target at most 2 s; Odoo's own rendering of the
  same 10,000 delivery addresses (``_display_address``) is shown beside it.

    python3 benchmarks/bench_shipping_rates.py [--database NAME] [--rebuild]
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from common import (
    Result,
    ensure_database,
    interleaved,
    odoo_env,
    parse_args,
    report,
    vacuum_analyze,
)

CART_COUNT = 1_000
ORDER_COUNT = 10_000
RATE_TARGET = 1.5  # × Odoo's base_on_rule
CHECK_TARGET_MS = 2_000
PREFIX = "BENCH-SHIP-"
LOCALITIES = [
    # name, county, postal code, street (a town, communes, villages)
    ("Brașov", "RO_BV", "500030", "Str. Republicii 88"),
    ("Codlea", "RO_BV", "505100", "Str. Lungă 5"),
    ("Predeluț", "RO_BV", "507026", "Str. Principală 7"),
    ("Cluj-Napoca", "RO_CJ", "400129", "Bd. Eroilor 45"),
    ("Florești", "RO_CJ", "407280", "Str. Avram Iancu 2"),
    ("Iași", "RO_IS", "700057", "Str. Lăpușneanu 7"),
    ("Timișoara", "RO_TM", "300222", "Str. Mihai Viteazu 3"),
    ("Constanța", "RO_CT", "900001", "Str. Mărășești 19"),
    ("Sibiu", "RO_SB", "550001", "Str. Independenței 25"),
    ("Codlea", "RO_BV", "505101", "Str. Lungă"),  # wrong code, no number
]


def build(env):
    """The carriers, 1,000 customers and carts, 10,000 orders (once)."""
    from odoo import Command

    Carrier = env["delivery.carrier"]
    if Carrier.search_count([("name", "=like", PREFIX + "%")]) == 3:
        return
    started = time.perf_counter()
    ro = env.ref("base.ro")
    env.company.partner_id.country_id = ro
    env["stock.warehouse"].search([], limit=1).partner_id.write(
        {
            "street": "Str. Republicii 10",
            "city": "Brașov",
            "zip": "500030",
            "state_id": env.ref("base.RO_BV").id,
            "country_id": ro.id,
        }
    )
    customers = env["res.partner"].create(
        [
            {
                "name": f"{PREFIX}customer {index}",
                "street": street,
                "city": city,
                "zip": zip_code,
                "state_id": env.ref(f"base.{state}").id,
                "country_id": ro.id,
                "mobile": f"+40 721 {100000 + index}",
            }
            for index in range(CART_COUNT)
            for city, state, zip_code, street in [LOCALITIES[index % len(LOCALITIES)]]
        ]
    )
    products = env["product.product"].create(
        [
            {"name": f"{PREFIX}product {index}", "type": "consu", "weight": weight}
            for index, weight in enumerate((0.3, 1.2, 4.0, 12.5))
        ]
    )
    delivery = env["product.product"].create(
        {"name": f"{PREFIX}delivery", "type": "service", "taxes_id": False}
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
    Carrier.create(
        [
            {
                "name": f"{PREFIX}Odoo rules",
                "delivery_type": "base_on_rule",
                "price_rule_ids": rules,
                **common,
            },
            {
                "name": f"{PREFIX}FAN Courier rules",
                "delivery_type": "fan_courier",
                "fulfilment_price_source": "rules",
                "price_rule_ids": rules,
                **common,
            },
            {
                "name": f"{PREFIX}formula",
                "delivery_type": "fulfilment_formula",
                "fulfilment_formula_base": 9,
                "fulfilment_formula_included_weight": 5,
                "fulfilment_formula_per_kg": 1,
                "fulfilment_formula_included_items": 3,
                "fulfilment_formula_per_item": 2,
                "fulfilment_formula_per_km": 0.25,
                "fulfilment_formula_max_price": 60,
                **common,
            },
        ]
    )
    courier = Carrier.search([("name", "=", f"{PREFIX}FAN Courier rules")])
    carts = env["sale.order"].create(
        [
            {
                "partner_id": customer.id,
                "carrier_id": courier.id,
                "client_order_ref": f"{PREFIX}cart",
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
            for index, customer in enumerate(customers)
        ]
    )
    env.flush_all()
    cr = env.cr
    # 9,000 more customers (copies of the first ones, in SQL) and one order
    # for each, copied from the cart of the customer it copies.
    copies = ORDER_COUNT // CART_COUNT - 1
    cr.execute(
        """
        SELECT column_name FROM information_schema.columns
         WHERE table_name = 'res_partner'
           AND column_name NOT IN ('id', 'name', 'complete_name',
                                   'commercial_partner_id')
        """
    )
    partner_columns = [row[0] for row in cr.fetchall()]
    cr.execute(
        f"""
        CREATE TEMP TABLE bench_partner_copy ON COMMIT DROP AS
        SELECT p.id AS source_id, g AS copy,
               nextval('res_partner_id_seq') AS new_id
          FROM res_partner p, generate_series(1, %s) g
         WHERE p.id IN %s;
        INSERT INTO res_partner (id, name, complete_name, commercial_partner_id,
                                 {", ".join(f'"{c}"' for c in partner_columns)})
        SELECT c.new_id, p.name || ' copy ' || c.copy, p.name || ' copy ' || c.copy,
               c.new_id,
               {", ".join(f'p."{c}"' for c in partner_columns)}
          FROM bench_partner_copy c JOIN res_partner p ON p.id = c.source_id
        """,
        [copies, tuple(customers.ids)],
    )
    cr.execute(
        """
        SELECT column_name FROM information_schema.columns
         WHERE table_name = 'sale_order'
           AND column_name NOT IN ('id', 'name', 'access_token', 'partner_id',
                                   'partner_invoice_id', 'partner_shipping_id')
        """
    )
    order_columns = [row[0] for row in cr.fetchall()]
    cr.execute(
        f"""
        INSERT INTO sale_order (name, partner_id, partner_invoice_id,
                                partner_shipping_id,
                                {", ".join(f'"{c}"' for c in order_columns)})
        SELECT %s || c.new_id, c.new_id, c.new_id, c.new_id,
               {", ".join(f'o."{c}"' for c in order_columns)}
          FROM bench_partner_copy c
          JOIN sale_order o ON o.partner_id = c.source_id
        """,
        [PREFIX],
    )
    distinct_phones(env)
    vacuum_analyze(cr, "res_partner", "sale_order")
    print(
        f"built {len(carts)} carts and {ORDER_COUNT} orders in "
        f"{time.perf_counter() - started:.1f} s"
    )


def distinct_phones(env):
    """Give the copied customers mobile numbers of their own, so that the
    10,000 addresses checked have 10,000 different numbers (a database built
    before copied the numbers too)."""
    env.cr.execute(
        """
        UPDATE res_partner
           SET mobile = '+40 74' || lpad((id %% 10000000)::text, 7, '0')
         WHERE name LIKE %s AND mobile NOT LIKE '+40 74%%'
        """,
        [f"{PREFIX}customer % copy %"],
    )
    if env.cr.rowcount:
        env.cr.commit()


def main():
    args = parse_args(__doc__.splitlines()[0], "shipping_rates", repeat=5)
    ensure_database(args, extra_modules=("l10n_ro_city",))
    with odoo_env(args.config, args.database) as env:
        from odoo.addons.order_fulfilment.shipping.addresses import is_mobile

        build(env)
        distinct_phones(env)
        Order = env["sale.order"]
        Carrier = env["delivery.carrier"]
        # The orders copied in SQL keep their cart's reference; they are named
        # after the prefix, the carts by Odoo's sequence.
        carts = Order.search(
            [
                ("client_order_ref", "=", f"{PREFIX}cart"),
                ("name", "not like", PREFIX + "%"),
            ],
            order="id",
        )
        orders = Order.search([("carrier_id.name", "=like", PREFIX + "%")])
        carriers = {
            name: Carrier.search([("name", "=", f"{PREFIX}{name}")])
            for name in ("Odoo rules", "FAN Courier rules", "formula")
        }
        print(f"carts: {len(carts)}, orders checked: {len(orders)}")

        def rate_all(carrier):
            def run():
                prices = [carrier.rate_shipment(cart)["price"] for cart in carts]
                assert all(price > 0 for price in prices), "every cart is priced"

            return run

        def check_all():
            problems = Order.browse(orders.ids).mapped("fulfilment_address_problems")
            wrong = sum(1 for text in problems if text)
            assert wrong == len(orders) // len(LOCALITIES), wrong

        def display_all():
            for order in Order.browse(orders.ids):
                order.partner_shipping_id._display_address()

        # Warm-up: the gazetteer, the registry's caches.
        for carrier in carriers.values():
            carrier.rate_shipment(carts[0])
        odoo_rules, courier_rules, formula = interleaved(
            env,
            [
                rate_all(carriers["Odoo rules"]),
                rate_all(carriers["FAN Courier rules"]),
                rate_all(carriers["formula"]),
            ],
            args.repeat,
            min_seconds=0,
        )
        # Each round checks the addresses as never seen before: the answers
        # kept for the last phone numbers asked are dropped (the localities of
        # the nomenclature stay cached, as on a running server).
        check, display = interleaved(
            env,
            [check_all, display_all],
            args.repeat,
            setup=is_mobile.cache_clear,
            min_seconds=0,
        )
        env.cr.rollback()
        print(f"Odoo base_on_rule, {len(carts)} carts: {odoo_rules} ms")
        print(f"courier by rules,  {len(carts)} carts: {courier_rules} ms")
        print(f"formula,           {len(carts)} carts: {formula} ms")
        print(f"address check, {len(orders)} orders: {check} ms")
        print(f"Odoo _display_address, {len(orders)} orders: {display} ms")
        report(
            [
                Result(
                    "shipping rates",
                    f"{len(carts)} carts, courier by price rules",
                    courier_rules.median,
                    "ms",
                    "base_on_rule",
                    odoo_rules.median,
                    target=RATE_TARGET,
                ),
                Result(
                    "shipping rates",
                    f"{len(carts)} carts, distance formula",
                    formula.median,
                    "ms",
                    "base_on_rule",
                    odoo_rules.median,
                    target=RATE_TARGET,
                ),
                Result(
                    "shipping rates",
                    f"address check of {len(orders)} orders",
                    check.median,
                    "ms",
                    "_display_address",
                    display.median,
                    target=CHECK_TARGET_MS,
                    absolute=True,
                ),
            ]
        )


if __name__ == "__main__":
    main()

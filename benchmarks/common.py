"""Helpers shared by the benchmarks: open an Odoo environment, time things."""

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import time

DEFAULT_HOME = os.environ.get(
    "ORDER_FULFILMENT_HOME",
    os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
        "order_fulfilment",
    ),
)


def parse_args(description, default_db, default_repeat=15):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--config",
        default=os.path.join(DEFAULT_HOME, "odoo.conf"),
        help="Odoo configuration file (scripts/demo or scripts/test write one)",
    )
    parser.add_argument("--database", default=default_db)
    parser.add_argument("--repeat", type=int, default=default_repeat)
    parser.add_argument(
        "--rebuild", action="store_true", help="drop and rebuild the benchmark data"
    )
    return parser.parse_args()


def ensure_database(config, database):
    """Create the benchmark database with the addon installed, without demo data."""
    import odoo  # noqa: F401 - fail early with a clear message when Odoo is missing

    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-c",
            config,
            "-d",
            database,
            "-i",
            "order_fulfilment",
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )


@contextlib.contextmanager
def odoo_env(config, database, uid=2):
    import odoo
    from odoo import api

    odoo.tools.config.parse_config(["-c", config, "-d", database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        yield api.Environment(cr, uid, {})


def timed(env, func, repeat):
    """Median and 95th percentile wall time of ``func`` in milliseconds."""
    func()  # warm-up
    samples = []
    for _ in range(repeat):
        # Drop the record cache (each request starts with an empty one) but keep
        # the registry caches (access rights, translations), warm on a live server.
        env.invalidate_all()
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95

"""The benchmark harness: databases, interleaved timing and the results table.

Every benchmark:

- has its own database (``order_fulfilment_bench_<name>``), built once: the
  addon is installed (``-i``) only when the database is missing and updated
  (``-u``) only when the addon's files changed since the last run;
- builds its data once (idempotent) and resets what a run changes at the
  start of each run, so that two runs in a row measure the same thing;
- times the addon's case and Odoo's baseline *interleaved* (A B B A A B ...),
  so that load drift on a shared machine hits both sides alike, and reports
  medians with their spread (interquartile range);
- reports each figure with its Odoo baseline, ratio and target through
  :func:`report`, which prints it and, under ``benchmarks/run_all``, appends
  it to the run's results file for the final table.
"""

import argparse
import contextlib
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass

ADDON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_HOME = os.environ.get(
    "ORDER_FULFILMENT_HOME",
    os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
        "order_fulfilment",
    ),
)
RESULTS_ENV = "ORDER_FULFILMENT_BENCH_RESULTS"
FINGERPRINT_KEY = "order_fulfilment.benchmark_addon_fingerprint"


def parse_args(description, name, repeat=15, extra=None):
    """Command-line options shared by the benchmarks.

    :param name: the benchmark's short name; its database is
        ``order_fulfilment_bench_<name>``
    :param extra: optional callable adding options to the parser
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--config",
        default=os.path.join(DEFAULT_HOME, "odoo.conf"),
        help="Odoo configuration file (scripts/demo, scripts/test and "
        "benchmarks/run_all write one)",
    )
    parser.add_argument("--database", default=f"order_fulfilment_bench_{name}")
    parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="drop the benchmark's database and build it again",
    )
    if extra:
        extra(parser)
    args = parser.parse_args()
    args.name = name
    return args


# ---------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------


def addon_fingerprint():
    """A hash of the addon's installable files: what ``-u`` would reload."""
    digest = hashlib.sha1()
    for root, dirs, files in os.walk(ADDON_DIR):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".") and d not in ("benchmarks", "__pycache__")
        )
        for filename in sorted(files):
            if filename.endswith((".pyc", ".md")):
                continue
            path = os.path.join(root, filename)
            digest.update(os.path.relpath(path, ADDON_DIR).encode())
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()


def _odoo(config, database, *options):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-c",
            config,
            "-d",
            database,
            *options,
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )


_parsed_configs = set()


def _load_config(config):
    """Read the Odoo configuration once per process (Odoo cannot parse twice)."""
    import odoo

    if config not in _parsed_configs:
        odoo.tools.config.parse_config(["-c", config, "--log-level=warn"])
        _parsed_configs.add(config)


def _database_exists(config, database):
    import odoo

    _load_config(config)
    with contextlib.closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        return bool(cr.fetchone())


def _modules_installed(config, database, modules):
    """Whether ``modules`` are all installed in ``database`` (not left half
    installed by an interrupted build)."""
    import odoo

    _load_config(config)
    with contextlib.closing(odoo.sql_db.db_connect(database).cursor()) as cr:
        cr.execute(
            "SELECT count(*) FROM ir_module_module "
            "WHERE name IN %s AND state = 'installed'",
            [tuple(modules)],
        )
        return cr.fetchone()[0] == len(modules)


def _stored_fingerprint(config, database):
    with odoo_env(config, database) as env:
        return env["ir.config_parameter"].sudo().get_param(FINGERPRINT_KEY)


def _store_fingerprint(config, database, fingerprint):
    with odoo_env(config, database) as env:
        env["ir.config_parameter"].sudo().set_param(FINGERPRINT_KEY, fingerprint)
        env.cr.commit()


def ensure_database(args, extra_modules=()):
    """The benchmark's database with the current addon installed.

    ``-i`` when the database is missing (or ``--rebuild``, or its modules
    were left half installed by an interrupted build: it is dropped first),
    ``-u`` when the addon changed since the database was last brought up to
    date, nothing otherwise.

    :param extra_modules: other modules the benchmark needs installed beside
        the addon (e.g. ``l10n_ro_city``)
    """
    import odoo

    config, database = args.config, args.database
    modules = ",".join(("order_fulfilment", *extra_modules))
    half_installed = _database_exists(config, database) and not _modules_installed(
        config, database, modules.split(",")
    )
    if half_installed:
        print(f"{database} was left half installed by an interrupted build")
    if args.rebuild or half_installed:
        odoo.sql_db.close_db(database)
        with _postgres_cursor(config) as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{database}"')
    fingerprint = addon_fingerprint()
    if not _database_exists(config, database):
        print(f"building the database {database} (odoo -i {modules})")
        _odoo(config, database, "-i", modules)
    elif _stored_fingerprint(config, database) != fingerprint:
        print(f"the addon changed: updating {database} (odoo -u order_fulfilment)")
        _odoo(config, database, "-u", "order_fulfilment")
    else:
        return
    # The registry this process loaded to read the fingerprint predates the
    # install or update (it may even lack the addon, when a new dependency
    # was missing): load it again.
    odoo.modules.registry.Registry.delete(database)
    _store_fingerprint(config, database, fingerprint)


@contextlib.contextmanager
def _postgres_cursor(config):
    import odoo

    _load_config(config)
    connection = odoo.sql_db.db_connect("postgres")
    with contextlib.closing(connection.cursor()) as cr:
        cr._cnx.autocommit = True
        yield cr


@contextlib.contextmanager
def odoo_env(config, database, uid=2):
    import odoo
    from odoo import api

    _load_config(config)
    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        yield api.Environment(cr, uid, {})


def vacuum_analyze(cr, *tables):
    """What autovacuum does on a live database, right now: statistics and the
    visibility map (index-only scans) of freshly bulk-loaded tables."""
    cr.commit()
    cr._cnx.autocommit = True
    try:
        for table in tables:
            cr.execute(f"VACUUM ANALYZE {table}")
    finally:
        cr._cnx.autocommit = False


# ---------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------


@dataclass
class Timing:
    """Samples of one side of a comparison, in milliseconds."""

    samples: list

    @property
    def median(self):
        return statistics.median(self.samples)

    @property
    def spread(self):
        """Interquartile range: the middle half of the samples lies within it."""
        if len(self.samples) < 4:
            return max(self.samples) - min(self.samples)
        quartiles = statistics.quantiles(self.samples, n=4)
        return quartiles[2] - quartiles[0]

    def __str__(self):
        return f"{self.median:.2f} ±{self.spread / 2:.2f}"


def interleaved(
    env, sides, repeat, setup=None, min_seconds=2.0, max_rounds=2000, warmup=True
):
    """Time several callables against each other, interleaved.

    Each round runs every side once, the order rotating from round to round
    (A B, B A, A B...), after dropping the record cache (each request starts
    with an empty one; the registry caches stay warm, as on a live server).
    One warm-up round is not counted (``warmup=False``: the benchmark warmed
    up on its own and every round counts, for sides that take a minute).
    Rounds go on past ``repeat`` until each side has run for ``min_seconds``
    in all, so that cases of a millisecond get hundreds of samples and their
    median resists the machine's jitter.

    :param sides: list of callables
    :param setup: optional callable run before each timed call, not timed
        (e.g. to reset what the call changes)
    :return: list of :class:`Timing`, one per side
    """
    samples = [[] for _ in sides]
    first = 1 if warmup else 0
    round_ = 0
    while round_ < repeat + first or (
        round_ <= max_rounds and min(sum(s) for s in samples) < min_seconds * 1000
    ):
        order = list(range(len(sides)))
        if round_ % 2:
            order.reverse()
        for index in order:
            if setup:
                setup()
            env.invalidate_all()
            start = time.perf_counter()
            sides[index]()
            elapsed = (time.perf_counter() - start) * 1000
            if round_ >= first:
                samples[index].append(elapsed)
        round_ += 1
    return [Timing(s) for s in samples]


def timed(env, func, repeat):
    """Median and 95th percentile wall time of ``func`` alone, in milliseconds."""
    (timing,) = interleaved(env, [func], repeat)
    ordered = sorted(timing.samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return timing.median, p95


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


@dataclass
class Result:
    """One figure of a benchmark against its Odoo baseline.

    ``ratio`` is value / baseline value. For times the target is a maximum
    (e.g. at most 1.5 times Odoo's own time); for throughputs measured
    against a floor (``minimum=True``) it is a minimum share of it.
    """

    benchmark: str
    figure: str
    value: float
    unit: str
    baseline: str
    baseline_value: float
    target: float
    minimum: bool = False  # the ratio must be >= target (throughput share)
    absolute: bool = False  # the target bounds the value itself (e.g. <= 50 ms)
    note: str = ""

    @property
    def ratio(self):
        if not self.baseline_value:
            return 0.0 if self.minimum else float("inf")
        return self.value / self.baseline_value

    @property
    def passed(self):
        measured = self.value if self.absolute else self.ratio
        return measured >= self.target if self.minimum else measured <= self.target

    @property
    def target_label(self):
        sign = "≥" if self.minimum else "≤"
        return f"{sign}{self.target:g}" + (f" {self.unit}" if self.absolute else "x")

    def line(self):
        return (
            f"{self.figure:44} {self.value:10.2f} {self.unit:5} "
            f"{self.baseline_value:10.2f}  {self.ratio:6.2f}x {self.target_label:9} "
            f"{'PASS' if self.passed else 'FAIL'}"
        )


def report(results):
    """Print the benchmark's results and add them to run_all's results file."""
    print()
    print(f"{'figure':44} {'value':>10} {'unit':5} {'baseline':>10}  ratio   target")
    for result in results:
        print(result.line())
        if result.note:
            print(f"    {result.note}")
    path = os.environ.get(RESULTS_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            for result in results:
                handle.write(
                    json.dumps(
                        {
                            **asdict(result),
                            "ratio": result.ratio,
                            "passed": result.passed,
                            "target_label": result.target_label,
                        }
                    )
                    + "\n"
                )

"""Odoo's own test suites run on a fully loaded database, and compared.

    python3 scripts/core_tests.py run -c odoo.conf -d DB --test-tags /sale,/sale_stock \
        --output with_addon.json
    python3 scripts/core_tests.py compare without_addon.json with_addon.json

Why not simply ``odoo-bin --test-tags ... --stop-after-init``: Odoo runs a
module's ``at_install`` tests while it loads that module, before the modules
that depend on it (order_fulfilment included) are loaded, whether the database
is being installed (``-i``), updated (``-u``) or only loaded. Those tests would
never see the addon. Only ``post_install`` tests run on the complete registry.

``run`` therefore loads the registry first, in Odoo's test mode but with a
test selection that matches nothing, then runs the ``at_install`` tests and
then the ``post_install`` tests of the selected modules on that complete
registry, with Odoo's own loader, tags, ordering and result class, and Odoo's
HTTP server up for ``HttpCase`` tests and tours. The outcome of every test is
written to a JSON file. Both sides of the comparison are run this way.

``compare`` exits with status 1 when a test that passes without the addon does
not pass with it (failed, errored, skipped or not run). It can write the test
selection of those tests, to run them again: one that passes on its second run
(a browser tour on a loaded machine) is reported as flaky, not as a regression.
"""

# A command-line tool: it prints its report; unittest's result hooks return nothing.
# pylint: disable=print-used,missing-return
import argparse
import json
import os
import re
import sys
import threading
import time
from collections import Counter

# Matches no test: the at_install tests Odoo would run while loading modules.
NO_TEST = "-standard"
TEST_ID = re.compile(r"odoo\.addons\.(?P<module>\w+)\.")


def run(args):
    try:
        import websocket  # noqa: F401 (Odoo skips its tours without it)
    except ImportError:
        sys.exit("websocket-client is not installed: Odoo would skip its tours.")
    import odoo  # only the "run" command needs Odoo
    from odoo.modules.registry import Registry
    from odoo.service import server
    from odoo.tools import config

    odoo_args = [
        f"--config={args.config}",
        f"--database={args.database}",
        f"--test-tags={NO_TEST}",
        "--workers=0",
        "--max-cron-threads=0",
        f"--log-level={args.log_level}",
    ]
    if args.http_port:
        odoo_args.append(f"--http-port={args.http_port}")
    config.parse_config(odoo_args)
    modules = _modules_of(args.test_tags)

    server.load_server_wide_modules()
    # HttpCase finds the port of the running server through this global.
    server.server = server.ThreadedServer(odoo.http.root)
    server.server.http_spawn()
    threading.current_thread().dbname = args.database
    started = time.time()
    registry = Registry.new(args.database)

    from odoo.tests import loader  # after the test mode is set above
    from odoo.tests.result import OdooTestResult

    class RecordingResult(OdooTestResult):
        """Odoo's test result that also keeps the outcome of each test."""

        def __init__(self):
            super().__init__()
            self.outcomes = {}
            self.durations = {}
            self._started = {}

        def _record(self, test, outcome):
            test = getattr(test, "test_case", None) or test  # sub-tests
            if self.outcomes.get(test.id()) in ("fail", "error"):
                return
            self.outcomes[test.id()] = outcome

        def startTest(self, test):
            super().startTest(test)
            self._record(test, "pass")
            self._started[test.id()] = time.time()

        def stopTest(self, test):
            super().stopTest(test)
            if test.id() in self._started:
                self.durations[test.id()] = round(
                    time.time() - self._started.pop(test.id()), 1
                )

        def addError(self, test, err):
            super().addError(test, err)
            self._record(test, "error")

        def addFailure(self, test, err):
            super().addFailure(test, err)
            self._record(test, "fail")

        def addSkip(self, test, reason):
            super().addSkip(test, reason)
            self._record(test, "skip")

    config["test_tags"] = args.test_tags
    result = RecordingResult()
    odoo.modules.module.current_test = True
    threading.current_thread().testing = True
    try:
        for position in ("at_install", "post_install"):
            suite = loader.make_suite(modules, position)
            if position == "post_install" and suite.has_http_case():
                with registry.cursor() as cr:
                    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                    env["ir.qweb"]._pregenerate_assets_bundles()
            suite(result)
    finally:
        threading.current_thread().testing = False
        odoo.modules.module.current_test = False
        server.server.stop()
    with open(args.output, "w", encoding="utf-8") as output:
        json.dump(
            {
                "database": args.database,
                "test_tags": args.test_tags,
                "seconds": round(time.time() - started),
                "tests": result.outcomes,
                "durations": result.durations,
            },
            output,
            indent=1,
            sort_keys=True,
        )
    print(f"{args.database}: {result} in {time.time() - started:.0f} s", flush=True)
    # A browser that stopped answering during a tour can leave a thread behind
    # that would keep the interpreter from exiting: the results are written.
    os._exit(0)


def _modules_of(test_tags):
    """The modules a test selection such as ``/sale,/account:TestX`` names."""
    modules = []
    for spec in test_tags.split(","):
        match = re.match(r"^\+?\w*/(\w+)", spec.strip())
        if match and match.group(1) not in modules:
            modules.append(match.group(1))
    if not modules:
        sys.exit(f"No module named in the test selection {test_tags!r}.")
    return modules


def _module(test_id):
    match = TEST_ID.search(test_id)
    return match.group("module") if match else "?"


def _load(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def _selection(test_id):
    """The Odoo test selection of one test (or of the class whose set-up
    failed): ``/module:Class.method``."""
    match = re.search(r"odoo\.addons\.(\w+)\.(?:[\w.]+\.)?(\w+)\.(test\w*)$", test_id)
    if match:
        return "/{}:{}.{}".format(*match.groups())
    match = re.search(r"odoo\.addons\.(\w+)\.[\w.]+\.(\w+)\)?$", test_id)
    return "/{}:{}".format(*match.groups()) if match else None


def compare(args):
    baseline, addon = _load(args.baseline), _load(args.addon)
    before, after = baseline["tests"], addon["tests"]

    columns = f"{'tests':>8}{'passed':>8}{'failed':>8}{'skipped':>9}"
    print(f"{'':<22}{'without the addon':^33}{'with the addon':^33}")
    print(f"{'module':<22}{columns}  {columns}")
    modules = sorted({_module(test) for test in (*before, *after)})
    for module in [*modules, None]:
        line = f"{module or 'total':<22}"
        for outcomes in (before, after):
            counts = Counter(
                outcome
                for test, outcome in outcomes.items()
                if module in (None, _module(test))
            )
            line += (
                f"{sum(counts.values()):>8}{counts['pass']:>8}"
                f"{counts['fail'] + counts['error']:>8}{counts['skip']:>9}  "
            )
        print(line)
    print(f"Without the addon: {baseline['seconds']} s; with it: {addon['seconds']} s.")
    durations = addon.get("durations", {})
    slowest = sorted(durations, key=durations.get, reverse=True)[:10]
    if slowest:
        print("Slowest with the addon:")
        for test in slowest:
            print(f"{durations[test]:>8.0f} s  {test}")

    if args.baseline_second_run:
        # A test that failed once without the addon (a browser tour on a loaded
        # machine) and passes when run again is a passing test of Odoo: it must
        # not hide a regression.
        for test, outcome in _load(args.baseline_second_run)["tests"].items():
            if outcome == "pass" and before.get(test) != "pass":
                print(f"FLAKY WITHOUT THE ADDON {test}: {before.get(test, 'not run')}")
                before[test] = "pass"
    if args.write_selection:
        # Every test that does not pass with the addon, to run again on both
        # sides: a regression may be hidden by a failure of the baseline.
        selection = sorted(
            {_selection(test) for test in after if after[test] in ("fail", "error")}
            | {
                _selection(test)
                for test in before
                if before[test] == "pass" and after.get(test) != "pass"
            }
            - {None}
        )
        with open(args.write_selection, "w", encoding="utf-8") as file:
            file.write(",".join(selection))
    regressions = sorted(
        test
        for test in {*before, *after}
        if after.get(test) != "pass"
        and (
            before.get(test) == "pass"
            or (test not in before and after[test] in ("fail", "error"))
        )
    )
    if args.second_run:
        # A test that failed once with the addon and passes when run again
        # (a browser tour on a loaded machine) is flaky, not broken by the addon.
        again = _load(args.second_run)["tests"]
        for test in [test for test in regressions if again.get(test) == "pass"]:
            print(f"FLAKY {test}: {after.get(test, 'not run')}, then passed again")
            regressions.remove(test)
    for test in regressions:
        print(
            f"REGRESSION {test}: {before.get(test, 'not run')} without the addon, "
            f"{after.get(test, 'not run')} with it"
        )
    if regressions:
        print(
            f"{len(regressions)} test(s) of Odoo pass without the addon, not with it."
        )
        return 1
    print("No test of Odoo that passes without the addon fails with it.")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="run Odoo test suites on a database")
    run_parser.add_argument("-c", "--config", required=True)
    run_parser.add_argument("-d", "--database", required=True)
    run_parser.add_argument(
        "--test-tags",
        required=True,
        help="Odoo test selection naming the modules, e.g. /sale,/account:TestX",
    )
    run_parser.add_argument("--output", required=True, help="JSON file of outcomes")
    run_parser.add_argument("--http-port", type=int)
    run_parser.add_argument("--log-level", default="warn")
    compare_parser = commands.add_parser(
        "compare", help="list the tests that pass without the addon, not with it"
    )
    compare_parser.add_argument("baseline", help="outcomes without the addon")
    compare_parser.add_argument("addon", help="outcomes with the addon")
    compare_parser.add_argument(
        "--second-run",
        help="outcomes of the failing tests run again with the addon: those that "
        "pass are reported as flaky, not as regressions",
    )
    compare_parser.add_argument(
        "--baseline-second-run",
        help="outcomes of the same tests run again without the addon: those that "
        "pass count as passing without the addon",
    )
    compare_parser.add_argument(
        "--write-selection",
        help="file to write the Odoo test selection of the tests that do not pass "
        "with the addon to (to run them again on both sides)",
    )
    args = parser.parse_args()
    return run(args) if args.command == "run" else compare(args)


if __name__ == "__main__":
    sys.exit(main())

"""Two Odoo servers with two workers each on one database, under load at once.

Starts a fake FAN Courier on 127.0.0.1 (50 ms per call, with faults: 5xx and
connection resets after the AWB was created, answers after the timeout, label
503s) and two Odoo servers (``--workers=2``) on the benchmark's database. Then,
from both servers at the same time, on the same records:

- sends 200 deliveries to the courier in bulk: the bulk action on all of them
  (queued, sent by the scheduler) and the same deliveries in batches of 20,
  server A in one order and server B in the other;
- completes 50 orders (deliver, invoice, AWB, documents), in batches of 5,
  again in opposite orders;
- runs the tracking and overdue jobs.

Deliveries left without an AWB by a courier fault are sent again from both
servers. Then it counts, from the courier's side and the database's:
duplicate AWBs (two AWBs for one delivery), double invoices (an order with two
posted invoices), lost deliveries (no AWB, an AWB the courier does not know,
or still queued), and prints the throughput (AWBs and completed orders per
second over the load phase). Targets: 0, 0, 0.

    python3 benchmarks/bench_two_servers.py [--config FILE] [--database NAME]
"""

import collections
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

import requests

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))

from common import Result, ensure_database, odoo_env, parse_args, report

from couriers.fakes import FakeFanCourier

DELIVERIES = 200
ORDERS = 50
SEND_CHUNK = 20  # the bulk action's synchronous limit
COMPLETE_CHUNK = 5
LATENCY = 0.05  # seconds per courier call
COURIER_TIMEOUT = 2.0  # the carrier's timeout; the late answers come after it
FAULTS = ("http_5xx_after_create", "reset_after_create", "timeout_after_create")
FAULT_ROUNDS = 4  # each fault this many times
LABEL_FAULTS = 6
RPC_TIMEOUT = 900


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def add_options(parser):
    parser.add_argument("--admin-password", default="admin")
    parser.add_argument(
        "--keep-logs", action="store_true", help="print where the servers' logs are"
    )


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


def build_data(env, fake_url, report_url):
    """The carrier (pointed at this run's fake), 200 orders whose deliveries
    are to be sent, and 50 ready orders to complete. New records each run.

    :param report_url: where wkhtmltopdf fetches the reports' assets (one of
        this run's servers)
    """
    env["ir.config_parameter"].sudo().set_param("report.url", report_url)
    carrier = env["delivery.carrier"].search(
        [("name", "=", "Bench FAN (two servers)")], limit=1
    )
    values = {
        "fulfilment_api_url": fake_url,
        "fulfilment_username": "demo",
        "fulfilment_password": "demo-pass",
        "fulfilment_client_id": FakeFanCourier.client_id,
        "fulfilment_service": "Standard",
        "fulfilment_timeout": COURIER_TIMEOUT,
        "fulfilment_token": False,
        "fulfilment_token_expiry": False,
    }
    if carrier:
        carrier.sudo().write(values)
    else:
        carrier = env["delivery.carrier"].create(
            {
                "name": "Bench FAN (two servers)",
                "delivery_type": "fan_courier",
                "integration_level": "rate",
                "fixed_price": 20.0,
                "product_id": env["product.product"]
                .create({"name": "Bench courier delivery", "type": "service"})
                .id,
                **values,
            }
        )
    product = env["product.product"].create(
        {
            "name": "Bench two servers parcel",
            "type": "consu",
            "is_storable": True,
            "weight": 1.2,
            "list_price": 100.0,
            "standard_price": 40.0,
            "invoice_policy": "order",
        }
    )
    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", env.company.id)], limit=1
    )
    env["stock.quant"]._update_available_quantity(
        product, warehouse.lot_stock_id, DELIVERIES + ORDERS + 10
    )
    # One customer per order, as in a shop.
    partners = env["res.partner"].create(
        [
            {
                "name": f"Bench Customer {index}",
                "email": f"bench.customer.{index}@example.com",
                "phone": "+40721000111",
                "street": f"Str. Victoriei {index + 1}",
                "city": "Bucuresti",
                "zip": "010061",
                "country_id": env.ref("base.ro").id,
                "state_id": env.ref("base.RO_B").id,
            }
            for index in range(DELIVERIES + ORDERS)
        ]
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
            for partner in partners
        ]
    )
    orders.action_confirm()
    orders.picking_ids.action_assign()
    env.cr.commit()
    to_send, to_complete = orders[:DELIVERIES], orders[DELIVERIES:]
    return carrier, to_send.picking_ids, to_complete


# ---------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------


class Server:
    """An Odoo server (``--workers=2``) started for the benchmark."""

    def __init__(self, name, config, database, logdir):
        self.name = name
        self.config = config
        self.database = database
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.logfile = os.path.join(logdir, f"server-{name}.log")
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "odoo",
                "-c",
                self.config,
                "-d",
                self.database,
                f"--db-filter=^{self.database}$",
                "--workers=2",
                "--max-cron-threads=1",
                # A batch of completions renders PDFs: more than Odoo's
                # default 60 s of CPU and 120 s per request on a busy machine.
                "--limit-time-cpu=600",
                "--limit-time-real=900",
                f"--http-port={self.port}",
                f"--gevent-port={free_port()}",
                "--http-interface=127.0.0.1",
                "--log-level=warn",
                f"--logfile={self.logfile}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return self

    def wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        last_error = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server {self.name} stopped; see {self.logfile}")
            try:
                if requests.get(f"{self.url}/web/health", timeout=2).ok:
                    return
            except requests.RequestException as exc:
                last_error = exc  # not listening yet
            time.sleep(0.5)
        raise RuntimeError(
            f"server {self.name} did not start ({last_error}); see {self.logfile}"
        )

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Rpc:
    """JSON-RPC calls to one server as the administrator, one session per thread."""

    def __init__(self, server, password):
        self.server = server
        self.password = password
        self.uid = self._call("common", "login", server.database, "admin", password)
        if not self.uid:
            raise RuntimeError("the administrator's login was refused")

    def _call(self, service, method, *args):
        response = requests.post(
            f"{self.server.url}/jsonrpc",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"service": service, "method": method, "args": args},
            },
            timeout=RPC_TIMEOUT,
        )
        payload = response.json()
        if payload.get("error"):
            data = payload["error"].get("data") or {}
            raise RpcError(data.get("message") or payload["error"].get("message"))
        return payload["result"]

    def execute(self, model, method, *args):
        return self._call(
            "object",
            "execute_kw",
            self.server.database,
            self.uid,
            self.password,
            model,
            method,
            list(args),
        )


class RpcError(Exception):
    pass


# ---------------------------------------------------------------------------
# Load
# ---------------------------------------------------------------------------


def chunks(ids, size):
    return [ids[index : index + size] for index in range(0, len(ids), size)]


class Tally:
    """What the calls of the load phase answered, thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = collections.Counter()
        self.messages = collections.Counter()

    def add(self, key, message=""):
        with self.lock:
            self.counts[key] += 1
            if message:
                self.messages[f"{key}: {message.splitlines()[0][:90]}"] += 1


def call(tally, label, rpc, model, method, *args):
    try:
        rpc.execute(model, method, *args)
    except RpcError as exc:
        tally.add(f"{label} refused", str(exc))
    except requests.RequestException as exc:
        tally.add(f"{label} failed", str(exc))
    else:
        tally.add(f"{label} answered")


def send_deliveries(tally, rpc, picking_ids, reverse):
    for chunk in chunks(picking_ids, SEND_CHUNK)[:: -1 if reverse else 1]:
        call(
            tally,
            "send",
            rpc,
            "stock.picking",
            "action_fulfilment_send_to_courier",
            chunk,
        )


def complete_orders(tally, rpc, order_ids, reverse, cron_ids):
    for chunk in chunks(order_ids, COMPLETE_CHUNK)[:: -1 if reverse else 1]:
        call(tally, "complete", rpc, "sale.order", "action_fulfilment_complete", chunk)
    for cron_id in cron_ids:
        call(tally, "job", rpc, "ir.cron", "method_direct_trigger", [cron_id])


def run_parallel(targets):
    threads = [threading.Thread(target=target, args=args) for target, args in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class Watch:
    """Notes, from a thread of its own, when every delivery of the load has an
    AWB: the end of the sending, while completions and jobs go on."""

    def __init__(self, config, database, picking_ids):
        self.config, self.database, self.picking_ids = config, database, picking_ids
        self.started = time.perf_counter()
        self.all_sent_after = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.wait(0.5):
            with odoo_env(self.config, self.database) as env:
                missing = env["stock.picking"].search_count(
                    [
                        ("id", "in", self.picking_ids),
                        ("carrier_tracking_ref", "=", False),
                    ]
                )
            if not missing:
                self.all_sent_after = time.perf_counter() - self.started
                return

    def close(self):
        self.stop.set()
        self.thread.join()


def queued_count(config, database):
    with odoo_env(config, database) as env:
        return env["stock.picking"].search_count(
            [("fulfilment_send_queued", "=", True)]
        )


def wait_queue_empty(config, database, timeout=600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not queued_count(config, database):
            return True
        time.sleep(1)
    return False


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


def count_outcome(config, database, fake, picking_ids, order_ids):
    shipments = dict(fake.shipments)  # the fake's threads may add to it
    with odoo_env(config, database) as env:
        orders = env["sale.order"].browse(order_ids)
        pickings = env["stock.picking"].browse(picking_ids) | orders.picking_ids
        by_reference = collections.Counter(
            shipment["reference"] for shipment in shipments.values()
        )
        duplicates = sum(
            count - 1
            for reference, count in by_reference.items()
            if reference in set(pickings.mapped("name")) and count > 1
        )
        lost = pickings.filtered(
            lambda picking: (
                not picking.carrier_tracking_ref
                or picking.carrier_tracking_ref not in shipments
                or shipments[picking.carrier_tracking_ref]["reference"] != picking.name
                or picking.fulfilment_send_queued
            )
        )
        invoices = collections.Counter()
        for order in orders:
            invoices[order.id] = len(
                order.invoice_ids.filtered(
                    lambda move: (
                        move.state == "posted" and move.move_type == "out_invoice"
                    )
                )
            )
        return {
            "duplicates": duplicates,
            "double_invoices": sum(1 for count in invoices.values() if count > 1),
            "lost": len(lost),
            "lost_names": lost.mapped("name")[:10],
            "with_awb": len(pickings.filtered("carrier_tracking_ref")),
            "pickings": len(pickings),
            "completed": len(orders.filtered("fulfilment_completed_date")),
            "labels_pending": len(
                pickings.filtered(
                    lambda picking: (
                        picking.carrier_tracking_ref and not picking.fulfilment_label_id
                    )
                )
            ),
        }


# ---------------------------------------------------------------------------


def main():
    args = parse_args(__doc__.splitlines()[0], "two_servers", extra=add_options)
    ensure_database(args)
    logdir = tempfile.mkdtemp(prefix="bench_two_servers_")
    with FakeFanCourier(host="127.0.0.1") as fake:
        fake.latency = LATENCY
        fake.timeout_sleep = COURIER_TIMEOUT + 1.0
        servers = [
            Server(name, args.config, args.database, logdir) for name in ("A", "B")
        ]
        with odoo_env(args.config, args.database) as env:
            _carrier, pickings, orders = build_data(env, fake.url, servers[0].url)
            picking_ids, order_ids = pickings.ids, orders.ids
            cron_ids = [
                env.ref("order_fulfilment.ir_cron_fulfilment_track_shipments").id,
                env.ref("order_fulfilment.ir_cron_fulfilment_flag_overdue").id,
            ]
        print(
            f"{len(picking_ids)} deliveries to send, {len(order_ids)} orders to "
            f"complete; fake FAN Courier at {fake.url}"
        )
        try:
            for server in servers:
                server.start()
            for server in servers:
                server.wait_ready()
            rpcs = [Rpc(server, args.admin_password) for server in servers]
            for _round in range(FAULT_ROUNDS):
                for mode in FAULTS:
                    fake.fail_next(mode)
            fake.fail_next("label_503", LABEL_FAULTS)
            tally = Tally()
            started = time.perf_counter()
            watch = Watch(args.config, args.database, picking_ids)
            completing = {}

            def complete_and_time(*call_args):
                complete_orders(*call_args)
                completing[call_args[1].server.name] = time.perf_counter() - started

            run_parallel(
                [
                    # The bulk action on all of them: queued, sent by the
                    # scheduler of either server.
                    (
                        call,
                        (
                            tally,
                            "bulk",
                            rpcs[0],
                            "stock.picking",
                            "action_fulfilment_send_to_courier",
                            picking_ids,
                        ),
                    ),
                    (send_deliveries, (tally, rpcs[0], picking_ids, False)),
                    (send_deliveries, (tally, rpcs[1], picking_ids, True)),
                    (
                        complete_and_time,
                        (tally, rpcs[0], order_ids, False, cron_ids),
                    ),
                    (
                        complete_and_time,
                        (tally, rpcs[1], order_ids, True, cron_ids),
                    ),
                ]
            )
            queue_emptied = wait_queue_empty(args.config, args.database)
            load_seconds = time.perf_counter() - started
            watch.close()
            first = count_outcome(
                args.config, args.database, fake, picking_ids, order_ids
            )
            # What a courier fault left without an AWB is sent again, from
            # both servers at once.
            retry_started = time.perf_counter()
            run_parallel(
                [
                    (send_deliveries, (tally, rpcs[0], picking_ids, False)),
                    (send_deliveries, (tally, rpcs[1], picking_ids, True)),
                    (complete_orders, (tally, rpcs[0], order_ids, False, [])),
                    (complete_orders, (tally, rpcs[1], order_ids, True, [])),
                ]
            )
            retry_seconds = time.perf_counter() - retry_started
            final = count_outcome(
                args.config, args.database, fake, picking_ids, order_ids
            )
        finally:
            for server in servers:
                server.stop()

    print()
    print(f"load phase: {load_seconds:.1f} s (bulk queue emptied: {queue_emptied})")
    print(
        f"  after it: {first['with_awb']}/{first['pickings']} deliveries with an "
        f"AWB, {first['completed']}/{len(order_ids)} orders completed"
    )
    print(f"second pass (sending again what faults left): {retry_seconds:.1f} s")
    print(
        f"  after it: {final['with_awb']}/{final['pickings']} deliveries with an "
        f"AWB, {final['completed']}/{len(order_ids)} orders completed, "
        f"{final['labels_pending']} label(s) pending"
    )
    print(
        f"courier: {len(fake.shipments)} AWBs created, "
        f"{len(fake.requests)} requests answered"
    )
    print("calls:", dict(sorted(tally.counts.items())))
    for message, count in tally.messages.most_common(12):
        print(f"  {count:4} x {message}")
    if final["lost_names"]:
        print("lost deliveries:", ", ".join(final["lost_names"]))
    if args.keep_logs:
        print(f"server logs: {logdir}")

    send_seconds = watch.all_sent_after or load_seconds
    complete_seconds = max(completing.values())
    awbs_per_second = len(picking_ids) / send_seconds
    orders_per_second = first["completed"] / complete_seconds
    print()
    print(f"duplicate AWBs:   {final['duplicates']}")
    print(f"double invoices:  {final['double_invoices']}")
    print(f"lost deliveries:  {final['lost']}")
    print(
        f"throughput:       {awbs_per_second:.1f} AWBs/s ({len(picking_ids)} "
        f"deliveries with an AWB after {send_seconds:.1f} s) and "
        f"{orders_per_second:.2f} completed orders/s ({first['completed']} in "
        f"{complete_seconds:.1f} s), both servers together, under the whole load"
    )
    report(
        [
            Result(
                "two servers",
                "duplicate AWBs",
                final["duplicates"],
                "AWBs",
                "none allowed",
                0,
                target=0,
                absolute=True,
            ),
            Result(
                "two servers",
                "double invoices",
                final["double_invoices"],
                "orders",
                "none allowed",
                0,
                target=0,
                absolute=True,
            ),
            Result(
                "two servers",
                "lost deliveries",
                final["lost"],
                "picks",
                "none allowed",
                0,
                target=0,
                absolute=True,
            ),
        ]
    )


if __name__ == "__main__":
    main()

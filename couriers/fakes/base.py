"""Shared machinery of the fake courier servers (tests and demo, 127.0.0.1)."""

import io
import json
import secrets
import socket
import struct
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from reportlab.graphics.barcode import code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

# The couriers speak Bucharest wall-clock time; so do the fakes' event times.
BUCHAREST = ZoneInfo("Europe/Bucharest")

FAULT_MODES = (
    # The next call: answered after the client's timeout, the work done.
    "timeout_after_create",
    # The next call: the shipment is created, then a gateway answers 5xx.
    "http_5xx_after_create",
    # The next call: the shipment is created, then the connection is reset
    # without an answer.
    "reset_after_create",
    # The next call: the shipment is created, then a proxy in front of the
    # courier answers 200 with a page of its own instead of the answer.
    "html_after_create",
    # The next call: answered after the client's timeout, nothing done.
    "timeout",
    # The next call: 500, nothing done.
    "http_500",
    # The next creation: refused inside a 200 answer.
    "error_in_200",
    # Every token issued so far expires now.
    "expire_token",
    # The next label request: 503, the AWB untouched.
    "label_503",
)
# What a route returns to have the connection reset instead of answered.
RESET = (None, {}, b"")


def render_label(courier, awb, recipient, cod=0.0, label_format="A4", reference=""):
    """A real PDF label: courier, AWB as Code128, recipient, COD."""
    size = (100 * mm, 150 * mm) if label_format == "A6" else A4
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=size)
    width, height = size
    left, top = 8 * mm, height - 12 * mm
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(left, top, courier)
    pdf.setFont("Helvetica", 9)
    pdf.drawRightString(width - 8 * mm, top, datetime.now().strftime("%Y-%m-%d %H:%M"))
    barcode = code128.Code128(awb, barHeight=18 * mm, barWidth=0.45 * mm)
    barcode.drawOn(pdf, left, top - 30 * mm)
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(left, top - 37 * mm, f"AWB {awb}")
    pdf.setFont("Helvetica", 11)
    y = top - 48 * mm
    for line in recipient:
        if line:
            pdf.drawString(left, y, str(line)[:60])
            y -= 6 * mm
    if cod:
        pdf.setFont("Helvetica-Bold", 13)
        pdf.drawString(left, y - 4 * mm, f"COD (ramburs): {cod:.2f} RON")
    if reference:
        pdf.setFont("Helvetica", 9)
        pdf.drawString(left, 8 * mm, f"Ref: {reference}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


class FakeRequest:
    def __init__(self, method, path, query, headers, body):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body or b"null")

    def form(self):
        return {key: values[-1] for key, values in parse_qs(self.body.decode()).items()}

    def arg(self, name, default=None):
        values = self.query.get(name)
        return values[-1] if values else default


class FakeCourierServer:
    """A threaded HTTP server on 127.0.0.1 with fault injection.

    Subclasses implement ``route(request)`` returning ``(status, headers, body)``
    and ``login_credentials`` accepted by their login endpoint.
    """

    courier = "Courier"
    token_lifetime = timedelta(hours=24)

    def __init__(self, host="127.0.0.1", port=0, username="demo", password="demo-pass"):
        self.username = username
        self.password = password
        self.latency = 0.0
        self.timeout_sleep = 1.5
        self.requests = []
        self.tokens = {}
        self.shipments = {}
        self.events = {}
        self.cancelled = set()
        # COD amounts the courier collected and transferred (``add_repayment``).
        self.repayments = []
        self.login_count = 0
        # The courier's clock (aware), which dates the AWBs it creates.
        self.clock = lambda: datetime.now(timezone.utc)
        self._faults = []
        self._label_faults = []
        self._lock = threading.Lock()
        self._counter = 0
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread = None

    # -- lifecycle ---------------------------------------------------------

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- scripting ---------------------------------------------------------

    def reset(self):
        """Forget shipments, events, requests and pending faults."""
        with self._lock:
            self._faults.clear()
            self._label_faults.clear()
        self.requests.clear()
        self.shipments.clear()
        self.events.clear()
        self.cancelled.clear()
        self.repayments.clear()
        self.latency = 0.0
        self.clock = lambda: datetime.now(timezone.utc)

    def fail_next(self, mode, count=1):
        if mode not in FAULT_MODES:
            raise ValueError(f"unknown fault mode {mode!r}")
        if mode == "expire_token":
            self.tokens.clear()
            return
        with self._lock:
            if mode == "label_503":
                self._label_faults.extend([mode] * count)
            else:
                self._faults.extend([mode] * count)

    def local_now(self):
        """The courier's wall-clock time: Bucharest, naive, as couriers write it."""
        return self.clock().astimezone(BUCHAREST).replace(tzinfo=None, microsecond=0)

    def add_event(self, awb, code, description="", location="", when=None):
        self.events.setdefault(awb, []).append(
            {
                "code": str(code),
                "description": description,
                "location": location,
                "when": when or self.local_now(),
            }
        )

    def next_number(self, prefix=""):
        with self._lock:
            self._counter += 1
            return f"{prefix}{self._counter:08d}"

    def issue_token(self):
        token = secrets.token_hex(16)
        self.tokens[token] = datetime.now() + self.token_lifetime
        self.login_count += 1
        return token

    def token_valid(self, token):
        expiry = self.tokens.get(token)
        return bool(expiry and expiry > datetime.now())

    def take_fault(self):
        with self._lock:
            return self._faults.pop(0) if self._faults else None

    def take_label_fault(self):
        with self._lock:
            return self._label_faults.pop(0) if self._label_faults else None

    def after_create(self, fault, reply):
        """The answer to a creation request once the shipment exists, as the
        pending ``fault`` has it: late, replaced by a gateway's 5xx, or never
        sent (connection reset)."""
        if fault == "timeout_after_create":
            self.sleep_past_timeout()
        if fault == "http_5xx_after_create":
            return self.gateway_error()
        if fault == "reset_after_create":
            return RESET
        if fault == "html_after_create":
            return (
                200,
                {"Content-Type": "text/html"},
                b"<html><body>Please wait while we check your browser</body></html>",
            )
        return reply

    def gateway_error(self):
        """What the courier's gateway answers when the service behind it took
        too long: the work may be done all the same."""
        return (
            504,
            {"Content-Type": "text/html"},
            b"<html><body>504 Gateway Time-out</body></html>",
        )

    def label_unavailable(self):
        """A label request refused for a while, the AWB untouched."""
        return (
            503,
            {"Content-Type": "text/html"},
            b"<html><body>503 Service Unavailable</body></html>",
        )

    def sleep_past_timeout(self):
        time.sleep(self.timeout_sleep)

    def requests_to(self, path_part):
        return [r for r in self.requests if path_part in r.path]

    def add_repayment(
        self,
        awb,
        amount,
        transferred_on,
        collected_on=None,
        reference="",
        recipient="Ana Client",
    ):
        """The courier collected ``amount`` for ``awb`` and transferred it to the
        shop on the date ``transferred_on`` (its repayment report lists it)."""
        self.repayments.append(
            {
                "awb": str(awb),
                "amount": amount,
                "transferred_on": transferred_on,
                "collected_on": collected_on or transferred_on,
                "reference": reference,
                "recipient": recipient,
            }
        )

    # -- HTTP --------------------------------------------------------------

    def route(self, request):
        raise NotImplementedError

    @staticmethod
    def json_reply(status, payload, headers=None):
        return (
            status,
            {"Content-Type": "application/json", **(headers or {})},
            json.dumps(payload, default=str).encode(),
        )

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                split = urlsplit(self.path)
                request = FakeRequest(
                    self.command, split.path, parse_qs(split.query), self.headers, body
                )
                server.requests.append(request)
                if server.latency:
                    time.sleep(server.latency)
                try:
                    status, headers, payload = server.route(request)
                except Exception as exc:  # noqa: BLE001 - a fake answers 500 like a server
                    status, headers, payload = server.json_reply(
                        500, {"message": str(exc)}
                    )
                if status is None:
                    # Reset: the peer gets RST, no answer at all.
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.close_connection = True
                    return
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_DELETE = do_PUT = _handle

        return Handler

"""A local HTTP SMS gateway (tests and demo): JSON in, JSON out, on 127.0.0.1."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeSmsGateway:
    """Accepts ``POST /sms`` with a bearer token and records the messages.

    ``mode`` switches the behaviour: ``"ok"`` (HTTP 201 with an id),
    ``"down"`` (HTTP 503 with an error message), ``"reject"`` (HTTP 422),
    ``"down_string"`` (HTTP 503 whose JSON body is a bare string) or
    ``"reject_list"`` (HTTP 400 whose JSON body is a list of errors).
    """

    def __init__(self, token="secret-token", port=0):
        self.token = token
        self.mode = "ok"
        self.received = []
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._make_handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self):
        host, port = self._server.server_address
        return f"http://{host}:{port}/sms"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def _make_handler(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status, payload):
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path != "/sms":
                    return self._reply(404, {"error": "unknown endpoint"})
                if self.headers.get("Authorization") != f"Bearer {gateway.token}":
                    return self._reply(401, {"error": "invalid API token"})
                if gateway.mode == "down":
                    return self._reply(503, {"error": "gateway overloaded, try later"})
                if gateway.mode == "down_string":
                    return self._reply(503, "gateway in maintenance")
                if gateway.mode == "reject_list":
                    return self._reply(400, [{"field": "to", "error": "invalid"}])
                try:
                    payload = json.loads(raw)
                except ValueError:
                    return self._reply(400, {"error": "body is not JSON"})
                if gateway.mode == "reject":
                    return self._reply(422, {"error": "number not reachable"})
                gateway.received.append(payload)
                return self._reply(
                    201, {"id": f"msg-{len(gateway.received)}", "status": "queued"}
                )

        return Handler

"""A threaded HTTP server on 127.0.0.1 that records requests and routes them."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeRequest:
    def __init__(self, method, path, query, headers, body):
        self.method = method
        self.path = path
        self.query = {key: values[-1] for key, values in query.items()}
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body or b"null")

    def form(self):
        parsed = parse_qs(self.body.decode(), keep_blank_values=True)
        return {key: values[-1] for key, values in parsed.items()}


class FakeGatewayServer:
    """Subclasses implement ``route(request)`` -> ``(status, headers, body)``."""

    def __init__(self):
        self.requests = []
        self._lock = threading.Lock()
        self._counter = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = None

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

    def next_number(self):
        with self._lock:
            self._counter += 1
            return self._counter

    def requests_to(self, path):
        return [request for request in self.requests if request.path == path]

    @staticmethod
    def json_reply(status, payload):
        return (
            status,
            {"Content-Type": "application/json"},
            json.dumps(payload).encode(),
        )

    @staticmethod
    def html_reply(status, text):
        return status, {"Content-Type": "text/html; charset=utf-8"}, text.encode()

    def route(self, request):
        raise NotImplementedError

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
                try:
                    status, headers, payload = server.route(request)
                except Exception as error:  # noqa: BLE001 - a fake answers 500 like a server
                    status, headers, payload = server.json_reply(
                        500, {"message": str(error)}
                    )
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _handle

        return Handler

"""Run the four fake couriers until interrupted (the demo uses them).

python3 -m couriers.fakes --host 127.0.0.1 --ports 8091,8092,8093,8094
"""

import argparse
import signal
import threading

from . import FAKES


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--ports", default="8091,8092,8093,8094")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per call")
    args = parser.parse_args()
    ports = [int(port) for port in args.ports.split(",")]
    servers = []
    for (delivery_type, fake_class), port in zip(FAKES.items(), ports, strict=True):
        server = fake_class(host=args.host, port=port)
        server.latency = args.latency
        servers.append(server.start())
        print(
            f"{fake_class.courier:12} {server.url}  "
            f"({delivery_type}; login demo / demo-pass)"
        )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    for server in servers:
        server.stop()


if __name__ == "__main__":
    main()

"""A farm of generated OJS-like OAI-PMH endpoints on loopback, for tests and `make bench-oai`.

Each "host" is its own listening port on 127.0.0.1 (loopback has one host name; a port is what
the per-host limits and politeness count, as they count host:port). A host serves one or more
endpoints at /<name>/oai, each 1-5 pages of records with a per-request delay, or one fault:
"http500" (always), "maintenance" (an HTML page, status 200), "timeout" (answers after
`hang` seconds), "malformed" (XML cut short). `rendezvous=N` holds every request until N are
in flight at once (or 30 s pass), which proves requests overlap without timing anything.

    python -m harvester.testing.oai_farm SPEC.json   # serves, prints the base URLs as JSON
"""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

MAINTENANCE = (
    "<!DOCTYPE html><html><head><title>Situs Sedang Dalam Pemeliharaan</title></head>"
    "<body><h1>Maintenance</h1><p>Kembali lagi nanti.</p></body></html>"
)


@dataclass(frozen=True)
class Endpoint:
    name: str
    host: int  # endpoints with the same number share a listening port
    pages: int = 1
    per_page: int = 100
    delay: float = 0.0  # seconds before each answer
    fault: str | None = None  # http500 | maintenance | timeout | malformed
    hang: float = 10.0  # how long a "timeout" endpoint takes
    moved_to: str | None = None  # answer 301 to this endpoint (on the same host) instead

    @property
    def records(self) -> int:
        return 0 if self.fault else self.pages * self.per_page


# Words for generated titles and names: every record its own title and authors, as in a real
# journal (records that all look alike would make deduplication compare everything with all).
WORDS = [
    "tata",
    "kelola",
    "pemerintahan",
    "daerah",
    "pelayanan",
    "publik",
    "kebijakan",
    "desa",
    "otonomi",
    "birokrasi",
    "reformasi",
    "inovasi",
    "digital",
    "transparansi",
    "akuntabilitas",
    "partisipasi",
    "masyarakat",
    "anggaran",
    "kinerja",
    "aparatur",
    "sipil",
    "negara",
    "perizinan",
    "terpadu",
    "satu",
    "pintu",
    "kolaborasi",
    "implementasi",
    "evaluasi",
    "program",
    "sosial",
    "kesehatan",
    "pendidikan",
    "lingkungan",
    "bencana",
    "kota",
    "kabupaten",
    "provinsi",
    "studi",
    "kasus",
    "analisis",
    "peran",
    "efektivitas",
    "kualitas",
    "strategi",
    "pengembangan",
    "pemberdayaan",
    "ekonomi",
    "pariwisata",
    "transportasi",
]
SYLLABLES = [
    "ba",
    "ri",
    "to",
    "la",
    "ma",
    "su",
    "ka",
    "ne",
    "di",
    "wa",
    "ra",
    "pu",
    "sa",
    "go",
    "te",
    "lo",
    "mi",
    "ya",
    "ha",
    "ju",
]


def _name(rng: random.Random) -> str:
    """A made-up Indonesian-sounding word (a surname, a place), one of about 190,000."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 5))).capitalize()


def _title(rng: random.Random) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 9)))
    return f"{words.capitalize()} di Kabupaten {_name(rng)}"


def page_xml(endpoint: Endpoint, page: int) -> str:
    """Page `page` (1-based) of an endpoint's ListRecords, OJS-like oai_dc records."""
    records = []
    for n in range((page - 1) * endpoint.per_page, page * endpoint.per_page):
        ident = f"{endpoint.name}-{n}"
        rng = random.Random(ident)
        authors = "".join(
            f"<dc:creator>{_name(rng)}, {_name(rng)}</dc:creator>" for _ in range(rng.randint(1, 3))
        )
        records.append(
            f"<record><header><identifier>oai:farm.example:{ident}</identifier>"
            f"<datestamp>2024-0{1 + n % 9}-1{n % 10}T00:00:00Z</datestamp>"
            f"<setSpec>{endpoint.name}:ART</setSpec></header><metadata>"
            '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<dc:title xml:lang="id-ID">{_title(rng)}</dc:title>'
            f"{authors}<dc:date>{rng.randint(2005, 2025)}-06-01</dc:date>"
            f"<dc:identifier>https://farm.example/{ident}</dc:identifier>"
            f"<dc:identifier>10.99999/{ident}</dc:identifier>"
            f"<dc:source>Jurnal {endpoint.name}; Vol 3 No 2 (2021); 1-{10 + n % 90}</dc:source>"
            "<dc:language>ind</dc:language></oai_dc:dc></metadata></record>"
        )
    token = f"<resumptionToken>{endpoint.name}.{page + 1}</resumptionToken>"
    last = page >= endpoint.pages
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        "<responseDate>2026-01-01T00:00:00Z</responseDate>"
        f'<request verb="ListRecords">http://farm/{endpoint.name}/oai</request>'
        f"<ListRecords>{''.join(records)}{'' if last else token}</ListRecords></OAI-PMH>"
    )


class OaiFarm:
    """The endpoints, served on loopback until stopped; counts requests and overlap."""

    def __init__(self, endpoints: list[Endpoint], rendezvous: int = 0) -> None:
        self.endpoints = {(e.host, e.name): e for e in endpoints}
        self.lock = threading.Lock()
        self.requests = 0
        self.in_flight: dict[int, int] = {}
        self.peak_per_host: dict[int, int] = {}
        self.rendezvous = threading.Barrier(rendezvous) if rendezvous > 1 else None
        self.rendezvous_failed = False
        self.servers: dict[int, ThreadingHTTPServer] = {}
        for host in sorted({e.host for e in endpoints}):
            server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler(host))
            server.daemon_threads = True
            self.servers[host] = server

    def url(self, endpoint: Endpoint) -> str:
        return f"http://127.0.0.1:{self.servers[endpoint.host].server_port}/{endpoint.name}/oai"

    def __enter__(self) -> OaiFarm:
        for server in self.servers.values():
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self.servers.values():
            server.shutdown()
            server.server_close()

    def answer(self, host: int, path: str, query: str) -> tuple[int, str, str, float]:
        """(status, content type, body, delay) for one request (a 301's body: its Location)."""
        name = path.strip("/").split("/")[0]
        endpoint = self.endpoints.get((host, name))
        if endpoint is None:
            return 404, "text/plain", "no such endpoint", 0.0
        if endpoint.moved_to:
            return 301, "text/plain", f"/{endpoint.moved_to}/oai?{query}", endpoint.delay
        params = dict(parse_qsl(query))
        token = params.get("resumptionToken", f"{name}.1")
        page = int(token.rsplit(".", 1)[1])
        xml = "text/xml; charset=utf-8"
        if endpoint.fault == "http500":
            return 500, "text/plain", "Internal Server Error", endpoint.delay
        if endpoint.fault == "maintenance":
            return 200, "text/html; charset=utf-8", MAINTENANCE, endpoint.delay
        if endpoint.fault == "timeout":
            return 200, xml, page_xml(endpoint, page), endpoint.hang
        body = page_xml(endpoint, page)
        if endpoint.fault == "malformed":
            body = body[: len(body) // 2]
        return 200, xml, body, endpoint.delay

    def _handler(self, host: int) -> type[BaseHTTPRequestHandler]:
        farm = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: with Nagle's algorithm the second waits
            # for the client's delayed ACK (40 ms), a delay no real server adds.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                with farm.lock:
                    farm.requests += 1
                    farm.in_flight[host] = farm.in_flight.get(host, 0) + 1
                    peak = max(farm.peak_per_host.get(host, 0), farm.in_flight[host])
                    farm.peak_per_host[host] = peak
                try:
                    farm.meet()
                    status, kind, body, delay = farm.answer(host, parts.path, parts.query)
                    time.sleep(delay)
                    data = body.encode()
                    self.send_response(status)
                    if status == 301:
                        self.send_header("Location", body)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout): nothing to answer
                finally:
                    with farm.lock:
                        farm.in_flight[host] -= 1

        return Handler

    def meet(self) -> None:
        if self.rendezvous is None:
            return
        try:
            self.rendezvous.wait(timeout=30)
        except threading.BrokenBarrierError:
            self.rendezvous_failed = True


def main(argv: list[str]) -> None:
    """Serve the endpoints of a JSON spec file; print {name: url}, then serve until killed."""
    with open(argv[0], encoding="utf-8") as stream:
        endpoints = [Endpoint(**e) for e in json.load(stream)]
    with OaiFarm(endpoints) as farm:
        print(json.dumps({e.name: farm.url(e) for e in endpoints}), flush=True)
        threading.Event().wait()


def dump(endpoints: list[Endpoint]) -> str:
    return json.dumps([asdict(e) for e in endpoints])


if __name__ == "__main__":
    main(sys.argv[1:])

"""The floor beside the harvest benchmark: the same pages over the same loopback HTTP, each
parsed by the harvester's own JSON parser (PARSER), ten fields taken from every record and the
page inserted into DuckDB as one Arrow table (one commit a page). No retries, mapping,
payloads, keys or bookkeeping: what any harvest of these pages costs at least, on this machine.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pyarrow as pa

from harvester.json_text import parse_json

# What parses every page here and in the harvest: the benchmark prints it beside the floor.
PARSER = "msgspec, garbage collector paused (harvester.json_text.parse_json)"


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else None


FIELDS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "doi": lambda r: r.get("DOI"),
    "title": lambda r: _first(r.get("title")),
    "first_author": lambda r: (_first(r.get("author")) or {}).get("family"),
    "year": lambda r: _first(_first((r.get("issued") or {}).get("date-parts"))),
    "venue": lambda r: _first(r.get("container-title")),
    "volume": lambda r: r.get("volume"),
    "issue": lambda r: r.get("issue"),
    "pages": lambda r: r.get("page"),
    "abstract": lambda r: r.get("abstract"),
    "type": lambda r: r.get("type"),
}
SCHEMA = pa.schema([(name, pa.int64() if name == "year" else pa.string()) for name in FIELDS])


def floor(urls: list[str], db: Path) -> int:
    """Walk each Crossref-shaped source at `urls` into a table of `db`; records stored."""
    stored = 0
    with httpx.Client(timeout=60) as client, duckdb.connect(str(db)) as con:
        con.execute(f"CREATE TABLE floor ({', '.join(f'{f.name} {f.type}' for f in SCHEMA)})")
        for url in urls:
            cursor = "*"
            while True:
                message = parse_json(client.get(url, params={"cursor": cursor}).content)["message"]
                items = message["items"]
                if not items:
                    break
                columns = {n: [get(r) for r in items] for n, get in FIELDS.items()}
                con.register("page", pa.table(columns, schema=SCHEMA))
                con.execute("INSERT INTO floor SELECT * FROM page")
                con.unregister("page")
                stored += len(items)
                cursor = message["next-cursor"]
    return stored

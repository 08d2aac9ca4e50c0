"""No silent truncation: a Crossref source capped by max_records, split by relevance, and
"capped: N of M" in the run summary, the search log, PRISMA and `query explain`."""

from __future__ import annotations

import json
from pathlib import Path

from harvester.capping import capped_note, capped_text
from harvester.query import Query
from harvester.query.split import MAX_SPLIT_QUERIES, split_strategy
from harvester.replay import ReplayServer, Route
from tests.conftest import run_cli

TOTAL = 1234  # what the made-up Crossref pages say they hold


def test_capped_text_rules() -> None:
    assert capped_text("capped", 100, 2345) == "capped: 100 of 2,345"
    assert capped_text("capped", 100, None) == "capped: 100 of an unreported number"
    assert capped_text("capped", 100, 100) is None  # the cap took the last record
    assert capped_text("ok", 100, 2345) is None
    assert "raise max_records" in str(capped_note("crossref", "capped", 1, 2))


def test_split_into_conjunctions_narrowest_first() -> None:
    query = Query('(governance OR "public administration") AND village AND NOT urban')
    split = split_strategy(query, cap=5)
    assert split is not None
    assert [(q.text, q.share) for q in split] == [
        ("governance village", 3),
        ("public administration village", 3),
    ]
    narrow = split_strategy(Query("(a OR b) AND (c OR (d AND e))"), cap=8)
    assert narrow is not None and narrow[0].terms == ("a", "d", "e")


def test_no_split_for_one_conjunction_or_too_many() -> None:
    assert split_strategy(Query("a AND b"), cap=10) is None
    wide = " AND ".join(f"(x{i} OR y{i})" for i in range(4))  # 16 conjunctions
    assert MAX_SPLIT_QUERIES < 2**4 and split_strategy(Query(wide), cap=10) is None


def crossref_page(tmp_path: Path, name: str, words: str, count: int) -> Path:
    """A made-up Crossref page: `count` works whose titles hold `words`."""
    items = [
        {
            "DOI": f"10.99999/{name}.{i}",
            "title": [f"{words.title()} study {i}"],
            "type": "journal-article",
            "indexed": {"date-time": f"2024-01-0{i + 1}T00:00:00Z"},
            "issued": {"date-parts": [[2023]]},
        }
        for i in range(count)
    ]
    body = {
        "status": "ok",
        "message": {"total-results": TOTAL, "items": items, "next-cursor": "c2"},
    }
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def test_capped_crossref_source_says_so_everywhere(tmp_path: Path) -> None:
    routes = [
        Route(
            "/crossref/works",
            crossref_page(tmp_path, "gov", "governance village", 2),
            query={"query.bibliographic": "governance village"},
        ),
        Route(
            "/crossref/works",
            crossref_page(tmp_path, "adm", "administration village", 2),
            query={"query.bibliographic": "administration village"},
        ),
    ]
    review = tmp_path / "review.toml"
    db = tmp_path / "store.duckdb"
    with ReplayServer(routes=routes) as server:
        review.write_text(
            '[review]\nid = "cap"\ntitle = "capped"\ncontact = "t@example.org"\n'
            "[query]\ntext = '(governance OR administration) AND village'\n"
            f'[[sources]]\nconnector = "crossref"\nbase_url = "{server.url}/crossref"\n'
            "rate_limit = 1000\nmax_records = 4\n",
            encoding="utf-8",
        )
        explained = run_cli("query", "explain", review)
        ran = run_cli("run", review, "--db", db)
        asked = [r["params"] for r in server.received("/crossref/works")]
    assert explained.returncode == 0, explained.stderr
    assert "sent as 2 narrower queries" in explained.stdout
    assert '1. "governance village" (up to 2); 2. "administration village" (up to 2)' in (
        " ".join(explained.stdout.split())
    )
    assert ran.returncode == 0, ran.stderr + ran.stdout
    assert "capped: 4 of 1,234" in ran.stdout
    assert "Run 1 of cap: ok, capped: crossref" in ran.stdout
    assert "rows=2" in explained.stdout  # the first split query's share
    # Each split query ranked by relevance, the narrowest first, a share of the cap each.
    assert [(p["query.bibliographic"], p["sort"], p["rows"]) for p in asked] == [
        ("governance village", "score", "2"),
        ("administration village", "score", "2"),
    ]
    log = tmp_path / "searchlog.md"
    assert run_cli("searchlog", review, "--db", db, "--out", log).returncode == 0
    text = log.read_text(encoding="utf-8")
    assert "| capped: 4 of 1,234 |" in text
    assert "**Truncated:** crossref: capped: 4 of 1,234 records retrieved" in text
    prisma = run_cli("prisma", review, "--db", db, "--json", "-")
    assert prisma.returncode == 0, prisma.stderr
    notes = json.loads(prisma.stdout)["updates"][-1]["notes"]
    assert notes and notes[0].startswith("crossref: capped: 4 of 1,234")

"""PubMed's history-server harvest: date windows past esearch's limit, and whole runs through
the loopback replay server on real recorded bodies (efetch batches, watermark, API key rate)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from connectors.eutils import HistoryWalk
from connectors.pubmed import PubMed
from harvester.errors import FatalAPIError, ProtocolError
from harvester.http import Request
from harvester.pagination import Page
from harvester.replay import ReplayServer, Route
from harvester.store import Store
from tests.conftest import API, run_at

PAGES = API / "pubmed"
# retstart -> the recorded efetch body served for it (2 + 2 + 2 + 1 articles, PMID 9997 twice).
BATCHES = {
    "0": "efetch-pubmed-12091962-9997-abstract.xml",
    "2": "efetch-pubmed-11748933-11700088.xml",
    "4": "efetch-pubmed-17284678-9997-2012.xml",
    "6": "efetch-pubmed-29963580.xml",
}


class Corpus:
    """A fake E-utilities over records with known entry dates, answering with real parsing."""

    def __init__(self, days: list[date]) -> None:
        self.days = days
        self.searches: list[tuple[str, str]] = []
        self.fetched: list[int] = []

    def __call__(self, request: Request) -> Page:
        if request.url.endswith("/esearch.fcgi"):
            low = request.params.get("mindate", "1000/01/01")
            high = request.params.get("maxdate", "3000/12/31")
            self.searches.append((low, high))
            count = sum(1 for d in self.days if low <= f"{d:%Y/%m/%d}" <= high)
            body = (
                f"<eSearchResult><Count>{count}</Count><RetMax>0</RetMax><QueryKey>1</QueryKey>"
                f"<WebEnv>{low}-{high}</WebEnv><IdList/></eSearchResult>"
            )
            return PubMed().parse_page(body.encode())
        low, high = request.params["WebEnv"].split("-")
        inside = [i for i, d in enumerate(self.days) if low <= f"{d:%Y/%m/%d}" <= high]
        start, size = int(request.params["retstart"]), int(request.params["retmax"])
        self.fetched.extend(inside[start : start + size])
        return Page(records=inside[start : start + size])


def search(**params: str) -> Request:
    return Request("https://x.test/esearch.fcgi", {"db": "pubmed", "term": "t", **params})


def test_a_result_beyond_the_limit_is_split_into_date_windows() -> None:
    days = [date(2020, 1, 1) + timedelta(days=5 * i) for i in range(40)] + [date(2024, 6, 1)] * 4
    corpus = Corpus(days)
    walk = HistoryWalk(corpus, "pubmed", batch=3, limit=6)
    pages = [page for _, page in walk.pages(search())]
    assert sorted(corpus.fetched) == list(range(len(days)))  # every record exactly once
    assert all(page.total is None for page in pages)  # windows have no harvest-wide total
    # The first search had no dates; the windows then cover the open range without gaps.
    assert corpus.searches[1] == ("1700/01/01", "2350/07/02")


def test_the_since_window_is_split_from_its_own_start() -> None:
    corpus = Corpus([date(2025, 1, 1) + timedelta(days=i) for i in range(30)])
    since = {"datetype": "edat", "mindate": "2025/01/10", "maxdate": "3000/12/31"}
    list(HistoryWalk(corpus, "pubmed", batch=10, limit=8).pages(search(**since)))
    assert sorted(corpus.fetched) == list(range(9, 30))
    assert all(low >= "2025/01/10" for low, _ in corpus.searches)


def test_one_day_beyond_the_limit_stops_with_a_message() -> None:
    walk = HistoryWalk(Corpus([date(2024, 6, 1)] * 5), "pubmed", batch=2, limit=4)
    with pytest.raises(FatalAPIError, match="5 records dated 2024-06-01 match this query"):
        list(walk.pages(search()))


def test_a_search_without_history_is_refused() -> None:
    body = (PAGES / "esearch-nlmcatalog-partial-phrasenotfound.xml").read_bytes()
    walk = HistoryWalk(lambda request: PubMed().parse_page(body), "pubmed", batch=10)
    with pytest.raises(ProtocolError, match="no history"):
        list(walk.pages(search()))


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    routes = [Route("/pubmed/esearch.fcgi", PAGES / "derived-esearch-history-count7.xml")]
    routes += [
        Route("/pubmed/efetch.fcgi", PAGES / name, query={"retstart": start})
        for start, name in BATCHES.items()
    ]
    with ReplayServer(routes=routes) as running:
        yield running


def review_file(tmp_path: Path, url: str, extra: str = "rate_limit = 1000\n") -> Path:
    path = tmp_path / "review.toml"
    path.write_text(
        '[review]\nid = "med"\ntitle = "t"\ncontact = "me@example.org"\n'
        "[query]\ntext = 'licens* AND clinic*'\nyears = [2010, 2026]\n"
        f'[[sources]]\nconnector = "pubmed"\nbase_url = "{url}/pubmed"\nbatch_size = 2\n{extra}',
        encoding="utf-8",
    )
    return path


def test_history_harvest_across_efetch_batches_then_only_since_the_watermark(
    store: Store, server: ReplayServer, tmp_path: Path
) -> None:
    review = review_file(tmp_path, server.url)
    (first,) = run_at(store, review, datetime(2026, 3, 1, 9)).sources
    assert (first.status, first.records, first.requests) == ("ok", 7, 5)
    assert store.value("SELECT count(*) FROM raw_records") == 6  # PMID 9997 came twice
    asked = server.received()
    assert [r["path"] for r in asked] == ["/pubmed/esearch.fcgi"] + ["/pubmed/efetch.fcgi"] * 4
    assert [r["params"]["retstart"] for r in asked[1:]] == ["0", "2", "4", "6"]
    webenv = "NCID_1_18991374_130.14.18.48_5555_1353814292_87026138"
    assert all(
        r["params"]["WebEnv"] == webenv and r["params"]["query_key"] == "1" for r in asked[1:]
    )
    assert all(r["params"]["retmax"] == "2" and r["params"]["db"] == "pubmed" for r in asked[1:])
    assert "mindate" not in asked[0]["params"]
    assert asked[0]["params"]["term"] == "(licens*[tiab] AND clinic*[tiab]) AND 2010:2026[dp]"

    (second,) = run_at(store, review, datetime(2026, 3, 8, 9)).sources
    again = server.received()[len(asked)]
    assert again["path"] == "/pubmed/esearch.fcgi"
    # Since the watermark (the first run's start) less the review's two days of overlap.
    assert again["params"]["datetype"] == "edat"
    assert (again["params"]["mindate"], again["params"]["maxdate"]) == ("2026/02/27", "3000/12/31")
    assert (second.status, second.new) == ("ok", 0)


@pytest.mark.parametrize(("key", "interval"), [("secret-key", 0.1), (None, 1 / 3)])
def test_the_rate_follows_the_api_key(
    store: Store,
    server: ReplayServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    key: str | None,
    interval: float,
) -> None:
    if key:
        monkeypatch.setenv("NCBI_API_KEY", key)
    else:
        monkeypatch.delenv("NCBI_API_KEY", raising=False)
    waits: list[float] = []  # the rate limiter's sleeps, recorded instead of slept
    result = run_at(
        store, review_file(tmp_path, server.url, extra=""), datetime(2026, 3, 1), waits.append
    )
    assert result.sources[0].records == 7
    # Five requests back to back: the fifth waits four intervals, less the time they took.
    assert max(waits, default=0.0) <= 4 * interval
    if not key:
        assert max(waits) > 4 * 0.1  # more than the keyed rate would ever make it wait
    sent = [r["params"].get("api_key") for r in server.received()]
    assert sent == [key] * 5
    logged = store.value("SELECT query_sent FROM run_sources")
    assert ("api_key=%2A%2A%2A" in logged) == bool(key) and "secret-key" not in logged

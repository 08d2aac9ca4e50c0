"""`make chaos`: kill -9 the real CLI at random points, resume, and count what was lost.

Trials of four kinds, each in a fresh copy of the store:

* harvest: `harvester run` killed after a random number of the walk's pages were asked;
* snapshot: a second `harvester run` killed while it deduplicates and snapshots (every page
  already answered);
* dedup: `harvester dedup` of DEDUP_RECORDS records killed at a random moment;
* export: `harvester export --format ris` killed at a random moment.

Right after each kill the store is checked (no record twice, no watermark past the records a
source stored, no snapshot with fewer members than it says), and any file written is whole;
then the same command runs again to the end and its result must equal that of an unbroken run.
The review: synthetic Crossref pages (PAGES x PER_PAGE distinct records, on the loopback replay
server) and the recorded OpenAlex page. Prints the counts; exits 1 if anything was lost,
stored twice or half-written. Timing varies with the machine; the counts must not.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import rispy

from harvester.exports.atomic import TEMP_SUFFIX
from harvester.replay import ReplayServer, Route, load_routes
from harvester.store import open_store

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
PAGES, PER_PAGE = 8, 100
DEDUP_RECORDS = 1000
TRIALS = {"harvest": 20, "snapshot": 12, "dedup": 12, "export": 12}
PAGE_DELAY = "slow:0.15"  # each page takes a moment, so kills land between and inside them


@dataclass
class Tally:
    kills: int = 0  # the process was still running when it got SIGKILL
    finished_first: int = 0  # it ended before the kill came: not a kill, the trial is repeated
    lost: int = 0
    twice: int = 0
    half_written: int = 0
    temp_left_after_resume: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    """What an unbroken run leaves, and what every resumed one must leave too."""

    raw: int
    works: int
    clusters: int


def harvester(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "harvester", *map(str, args)]


def crossref_walk(folder: Path) -> list[Route]:
    """PAGES pages of PER_PAGE distinct records (recorded Crossref items, new DOIs and titles)."""
    recorded = json.loads(
        (FIXTURES / "api" / "crossref" / "works-query-widget-cursor-star-page1.json").read_text()
    )
    items = recorded["message"]["items"]
    routes = []
    for page in range(PAGES + 1):
        batch = []
        for n in range(PER_PAGE if page < PAGES else 0):
            item = dict(items[n % len(items)])
            number = page * PER_PAGE + n
            item["DOI"] = f"10.5555/chaos.{number}"
            item["title"] = [title(number)]
            item["author"] = [{"family": f"Fam{number}", "given": "Ann"}]
            batch.append(item)
        message = {"items": batch, "total-results": PAGES * PER_PAGE, "next-cursor": f"c{page + 1}"}
        body = folder / f"crossref-{page}.json"
        body.write_text(json.dumps({"status": "ok", "message": message}))
        cursor = "*" if page == 0 else f"c{page}"
        routes.append(Route("/crossref/works", body, query={"cursor": cursor}, fault=PAGE_DELAY))
    return routes


WORDS = [
    "widget",
    "gadget",
    "sprocket",
    "lever",
    "pulley",
    "valve",
    "gear",
    "spring",
    "axle",
    "piston",
    "rotor",
    "cam",
    "ratchet",
    "bearing",
    "clutch",
    "flywheel",
    "sensor",
    "relay",
    "circuit",
    "signal",
]


def title(number: int) -> str:
    """A title of its own for each number (titles sharing words would all be compared)."""
    picks = [WORDS[(number // len(WORDS) ** k) % len(WORDS)] for k in range(3)]
    return f"{picks[0].title()} {picks[1]} and {picks[2]} study {number}"


def review_file(folder: Path, url: str) -> Path:
    path = folder / "review.toml"
    blocks = ['[review]\nid = "chaos"\ntitle = "chaos"\ncontact = "chaos@example.org"\n']
    blocks.append("[query]\ntext = 'widget* OR citation*'\n")
    for name in ("crossref", "openalex"):
        blocks.append(
            f'[[sources]]\nconnector = "{name}"\nbase_url = "{url}/{name}"\n'
            "rate_limit = 1000\nlocal_filter = false\n"
        )
    path.write_text("\n".join(blocks))
    return path


def finished(command: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command[2:])} failed: {done.stderr[-500:]}")
    return done


def kill_when(command: list[str], ready: Callable[[], bool], delay: float, tally: Tally) -> None:
    """Start `command`, wait until `ready()`, then `delay` seconds, then SIGKILL it."""
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while not ready() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(delay)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
        tally.kills += 1
    else:
        tally.finished_first += 1
    process.wait()


def check_store(db: Path, tally: Tally, where: str) -> None:
    """Right after a kill: nothing twice, watermarks within stored data, snapshots whole."""
    with open_store(db) as store:
        twice = store.value(
            "SELECT count(*) FROM (SELECT 1 FROM raw_records GROUP BY source, source_id"
            " HAVING count(*) > 1)"
        )
        half = store.rows(
            """SELECT s.snapshot_id FROM snapshots s
               LEFT JOIN snapshot_members m USING (snapshot_id)
               GROUP BY s.snapshot_id, s.clusters HAVING count(m.cluster_id) <> s.clusters"""
        )
        # A window still open (its source not finished) has its watermark within its records.
        marks = store.rows(
            """SELECT h.source, h.watermark, max(w.updated)
               FROM harvest_state h JOIN run_sources r ON r.run_id = h.run_id
                 AND r.source = h.source AND r.status <> 'ok'
               LEFT JOIN works w ON w.source = h.source GROUP BY ALL"""
        )
    tally.twice += twice
    tally.half_written += len(half)
    for source, mark, latest in marks:
        stored = latest and datetime.fromisoformat(latest.replace("Z", "+00:00"))
        if not stored or mark > stored.replace(tzinfo=None):
            tally.lost += 1
            tally.problems.append(f"{where}: {source} watermark {mark} past its records")


def outcome(db: Path) -> Outcome:
    with open_store(db, read_only=True) as store:
        return Outcome(
            raw=store.value("SELECT count(*) FROM raw_records"),
            works=store.value("SELECT count(*) FROM works"),
            clusters=store.value(
                "SELECT clusters FROM snapshots ORDER BY snapshot_id DESC LIMIT 1"
            ),
        )


def compare(found: Outcome, expected: Outcome, tally: Tally, where: str) -> None:
    if (
        found.raw < expected.raw
        or found.works < expected.works
        or found.clusters != expected.clusters
    ):
        tally.lost += 1
        tally.problems.append(f"{where}: {found} after the resume, {expected} unbroken")
    if found.raw > expected.raw or found.works > expected.works:
        tally.twice += 1
        tally.problems.append(f"{where}: {found} after the resume, {expected} unbroken")


def temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX)]


def ris_whole(path: Path, expected: int, tally: Tally, where: str) -> None:
    """A file written is all there or not there at all."""
    if not path.exists():
        return
    entries = rispy.loads(path.read_text(encoding="utf-8"))
    if len(entries) != expected:
        tally.half_written += 1
        tally.problems.append(f"{where}: {path.name} holds {len(entries)} of {expected} records")


def dedup_inputs(folder: Path, count: int) -> Path:
    """`count` RIS records from the fixture exports, each its own article."""
    base = rispy.loads((FIXTURES / "inputs" / "scopus.ris").read_text(encoding="utf-8"))
    entries = []
    for n in range(count):
        entry = dict(base[n % len(base)])
        entry["title"] = title(n)
        entry["authors"] = [f"Fam{n}, Ann"]
        entry["year"] = str(1990 + n % 30)
        entry["doi"] = f"10.5555/sprocket.{n}"
        entry["id"] = f"R{n}"
        entries.append(entry)
    path = folder / "records.ris"
    path.write_text(rispy.dumps(entries), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every trial count")
    args = parser.parse_args()
    counts = {kind: max(1, round(n * args.scale)) for kind, n in TRIALS.items()}
    listed = ", ".join(f"{kind} {n}" for kind, n in counts.items())
    print(f"chaos: kill -9 trials, seed {args.seed}: {listed}")
    with tempfile.TemporaryDirectory(prefix="harvester-chaos-") as tmp:
        work = Path(tmp)
        routes = crossref_walk(work) + [
            r for r in load_routes(FIXTURES / "replay" / "demo") if r.path.startswith("/openalex")
        ]
        with ReplayServer(routes=routes) as server:
            trials = Trials(random.Random(args.seed), server, work)
            for kind, count in counts.items():
                started, tally = time.monotonic(), trials.tallies[kind]
                # Until `count` kills landed (a process that ended first is tried again).
                for trial in range(3 * count):
                    if tally.kills >= count:
                        break
                    getattr(trials, kind)(trial)
                trials.seconds[kind] = time.monotonic() - started
    report(trials)


class Trials:
    """The four kinds of trial, sharing one replay server, one review and one unbroken run."""

    def __init__(self, rng: random.Random, server: ReplayServer, work: Path) -> None:
        self.rng, self.server, self.work = rng, server, work
        self.review = review_file(work, server.url)
        self.tallies = {kind: Tally() for kind in TRIALS}
        self.seconds: dict[str, float] = {}
        self.clean = work / "clean.duckdb"
        started = time.monotonic()
        process = subprocess.Popen(
            harvester("run", self.review, "--db", self.clean),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        asked = 0
        while process.poll() is None:  # when did the last request come in?
            if len(server.received()) > asked:
                asked, last_asked = len(server.received()), time.monotonic()
            time.sleep(0.005)
        self.pages, took = asked, time.monotonic() - started
        # After the last page: deduplication and the snapshot, where snapshot trials kill.
        self.tail = time.monotonic() - last_asked
        self.expected = outcome(self.clean)
        print(
            f"  an unbroken run: {self.pages} requests, {self.expected.raw:,} records, "
            f"{self.expected.clusters:,} clusters, {took:.1f} s ({self.tail:.1f} s after the "
            "last page)"
        )
        self.records = dedup_inputs(work, DEDUP_RECORDS)
        self.deduplicated = 0  # records `harvester dedup` merges them into (measured once)
        (work / "out").mkdir()

    def asked(self, count: int) -> Callable[[], bool]:
        """Whether the run started now has sent `count` requests to the replay server."""
        self.server.reset()
        before = len(self.server.received())
        return lambda: len(self.server.received()) - before >= count

    def resume(self, db: Path, where: str) -> None:
        self.server.reset()
        finished(harvester("run", self.review, "--db", db))
        compare(outcome(db), self.expected, self.tallies[where.split()[0]], where)
        db.unlink()

    def harvest(self, trial: int) -> None:
        """Killed after a random number of the run's requests came in (and a moment more)."""
        db, tally = self.work / "harvest.duckdb", self.tallies["harvest"]
        ready = self.asked(self.rng.randint(1, self.pages))
        kill_when(
            harvester("run", self.review, "--db", db), ready, self.rng.uniform(0, 0.15), tally
        )
        check_store(db, tally, f"harvest {trial}")
        self.resume(db, f"harvest {trial}")

    def snapshot(self, trial: int) -> None:
        """Killed once every page is in: while it deduplicates and writes the snapshot."""
        db, tally = self.work / "snapshot.duckdb", self.tallies["snapshot"]
        shutil.copy(self.clean, db)
        ready = self.asked(self.pages)
        delay = self.rng.uniform(0, self.tail)
        kill_when(harvester("run", self.review, "--db", db), ready, delay, tally)
        check_store(db, tally, f"snapshot {trial}")
        self.resume(db, f"snapshot {trial}")

    def dedup(self, trial: int) -> None:
        """`harvester dedup` killed at a random moment; what it wrote is whole, then rerun."""
        tally = self.tallies["dedup"]
        out, merged = self.work / "out" / "clusters.csv", self.work / "out" / "merged.ris"
        command = harvester("dedup", self.records, "--out", out, "--deduplicated", merged)
        took = self.timed("dedup", command)
        out.unlink(missing_ok=True)
        merged.unlink(missing_ok=True)
        kill_when(command, lambda: True, self.rng.uniform(0, 0.9 * took), tally)
        for stage in (f"dedup {trial}", f"dedup {trial} rerun"):
            ris_whole(merged, self.deduplicated, tally, stage)
            if (
                out.exists()
                and len(out.read_text(encoding="utf-8").splitlines()) != DEDUP_RECORDS + 1
            ):
                tally.half_written += 1
                tally.problems.append(f"{stage}: {out.name} is not whole")
            if stage.endswith("rerun"):
                tally.temp_left_after_resume += len(temporaries(out.parent))
            else:
                finished(command)

    def export(self, trial: int) -> None:
        """`harvester export` killed at a random moment; what it wrote is whole, then rerun."""
        tally, out = self.tallies["export"], self.work / "out" / "all.ris"
        command = harvester(
            "export", self.review, "--db", self.clean, "--format", "ris", "--out", out
        )
        took = self.timed("export", command)
        out.unlink(missing_ok=True)
        kill_when(command, lambda: True, self.rng.uniform(0, 0.9 * took), tally)
        ris_whole(out, self.expected.clusters, tally, f"export {trial}")
        finished(command)
        ris_whole(out, self.expected.clusters, tally, f"export {trial} rerun")
        if not out.exists():
            tally.lost += 1
        tally.temp_left_after_resume += len(temporaries(out.parent))

    def timed(self, kind: str, command: list[str]) -> float:
        """How long an unbroken `command` takes (measured once per kind)."""
        if kind not in self.seconds:
            started = time.monotonic()
            finished(command)
            self.seconds[kind] = time.monotonic() - started
            merged = self.work / "out" / "merged.ris"
            if kind == "dedup":
                self.deduplicated = len(rispy.loads(merged.read_text(encoding="utf-8")))
        return self.seconds[kind]


COLUMNS = ("kills", "ended first", "lost", "twice", "half-written", "temp left", "seconds")


def report(trials: Trials) -> None:
    total = Counter[str]()
    print("  " + f"{'':<10}" + "".join(f"{c:>14}" for c in COLUMNS))
    for kind, tally in trials.tallies.items():
        row = dict(
            zip(
                COLUMNS,
                (
                    tally.kills,
                    tally.finished_first,
                    tally.lost,
                    tally.twice,
                    tally.half_written,
                    tally.temp_left_after_resume,
                    round(trials.seconds.get(kind, 0)),
                ),
                strict=True,
            )
        )
        total.update(row)
        print(f"  {kind:<10}" + "".join(f"{row[c]:>14}" for c in COLUMNS))
    print(f"  {'total':<10}" + "".join(f"{total[c]:>14}" for c in COLUMNS))
    for tally in trials.tallies.values():
        for problem in tally.problems:
            print(f"  ! {problem}")
    bad = sum(total[c] for c in ("lost", "twice", "half-written", "temp left"))
    verdict = "nothing lost, stored twice or half-written" if not bad else f"{bad} problems"
    print(f"{total['kills']} kills: {verdict}")
    if bad:
        sys.exit(1)


if __name__ == "__main__":
    main()

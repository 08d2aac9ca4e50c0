"""The review files a service serves: folders scanned for `*.toml`, files re-read when changed.

A file that stops validating keeps its last good version (the service goes on serving it) and
its problems are shown until it is fixed; a new file in a served folder is picked up on the next
scan, without a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harvester.errors import ConfigError
from harvester.review import Review, load_review

log = logging.getLogger("harvester.service")


@dataclass(frozen=True)
class ServedReview:
    path: Path
    review: Review | None  # the last version that validated
    problems: tuple[str, ...] = ()  # why the file as it is now does not
    stamp: tuple[float, int] = (0.0, 0)  # (mtime, size) when last read


class ReviewCatalog:
    """Review files by path; `scan()` re-reads what changed and returns what it found."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = list(paths)
        self.files: dict[Path, ServedReview] = {}

    def review_files(self) -> list[Path]:
        found: list[Path] = []
        for path in self.paths:
            if path.is_dir():
                found += sorted(p for p in path.glob("*.toml") if p.is_file())
            else:
                found.append(path)
        return list(dict.fromkeys(found))

    def scan(self) -> list[ServedReview]:
        """Re-read every file added or changed since the last scan; log each change."""
        current = self.review_files()
        for gone in set(self.files) - set(current):
            log.warning(
                "review file %s is gone; its review is no longer scheduled",
                gone,
                extra={"event": "review_gone", "file": str(gone)},
            )
            del self.files[gone]
        for path in current:
            try:
                stat = path.stat()
                stamp = (stat.st_mtime, stat.st_size)
            except OSError:
                stamp = (0.0, -1)
            known = self.files.get(path)
            if known is not None and known.stamp == stamp:
                continue
            self.files[path] = self._read(path, stamp, known)
        return self._unique()

    def _read(
        self, path: Path, stamp: tuple[float, int], known: ServedReview | None
    ) -> ServedReview:
        try:
            review = load_review(path)
        except ConfigError as exc:
            for problem in exc.problems:
                log.error(
                    "review file problem: %s",
                    problem,
                    extra={"event": "review_problem", "file": str(path)},
                )
            return ServedReview(path, known.review if known else None, tuple(exc.problems), stamp)
        verb = "re-read" if known else "serving"
        log.info(
            "%s review %s from %s (schedule %s)",
            verb,
            review.id,
            path,
            review.schedule,
            extra={"event": "review_loaded", "review": review.id, "file": str(path)},
        )
        return ServedReview(path, review, (), stamp)

    def _unique(self) -> list[ServedReview]:
        """Every file, except a second file claiming a review id already served."""
        seen: dict[str, Path] = {}
        out = []
        for path, served in self.files.items():
            if served.review is not None:
                first = seen.setdefault(served.review.id, path)
                if first != path:
                    problem = (
                        f"{path}: review id {served.review.id!r} is already served from {first}"
                    )
                    if problem not in served.problems:
                        log.error("review file problem: %s", problem)
                    served = ServedReview(path, None, (problem,), served.stamp)
                    self.files[path] = served
            out.append(served)
        return out

    def review(self, review_id: str) -> ServedReview | None:
        for served in list(self.files.values()):  # read by other threads too
            if served.review is not None and served.review.id == review_id:
                return served
        return None

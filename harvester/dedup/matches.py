"""What matching finds: pairs of records judged one article (or linked versions of one)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Match:
    """Two records judged copies of one article (or, when `linked`, versions of it)."""

    a: str
    b: str
    reason: str
    score: float


@dataclass(frozen=True)
class Matches:
    merged: list[Match] = field(default_factory=list)
    linked: list[Match] = field(default_factory=list)
    candidates: int = 0

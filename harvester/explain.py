"""What each source of a review is asked, in plain words: `harvester query explain` prints it,
and every run stores the same text per source (run_sources.explanation) for the search log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from harvester.connector import Connector
from harvester.http import Request
from harvester.query import Query, Translation
from harvester.query.dialects.base import LOCAL_FILTER_NOTE

# A stand-in date, replaced by words, to show which parameters incremental runs add.
_SAMPLE_SINCE = date(1999, 12, 31)


def public(request: Request) -> Request:
    """The request with any API key masked, fit for logs and screens."""
    params = {k: ("***" if "key" in k.lower() else v) for k, v in request.params.items()}
    return Request(request.url, params, request.method, request.data)


@dataclass(frozen=True)
class SourcePlan:
    """The first request of a full harvest from one source, and what it approximates."""

    source: str
    connector: str
    request: Request
    translation: Translation
    since: dict[str, str]
    local_filter: bool = True  # false: the review file keeps everything this source returns

    @property
    def text(self) -> str:
        verdict = "exact" if self.translation.exact else "approximated"
        name = self.source if self.source == self.connector else f"{self.source} ({self.connector})"
        lines = [
            f"{name}: {verdict}",
            f"  {self.request.method} {self.request.url}",
        ]
        lines += [f"      {key}={value}" for key, value in self.request.params.items()]
        if self.since:
            later = ", ".join(f"{k}={v}" for k, v in self.since.items())
            lines.append(f"  later runs add: {later}")
        if self.translation.exact:
            lines.append(
                f"  {self.source} runs the strategy as written; its records are not filtered again"
            )
            return "\n".join(lines)
        lines.append("  approximated:")
        lines += [f"    - {note}" for note in self.translation.notes]
        if not self.local_filter:
            lines.append(
                "  local filter: off (local_filter = false): every record this source returns "
                "joins the review's set"
            )
            return "\n".join(lines)
        lines.append(
            f"  local filter: {LOCAL_FILTER_NOTE} (title and other titles, abstract, keywords; "
            "case and accents ignored; truncation and phrases honoured; years checked); "
            "records that fail it stay in the store but are left out of the review's set"
        )
        return "\n".join(lines)


def plan_source(connector: Connector, query: Query, *, local_filter: bool = True) -> SourcePlan:
    first, translation = connector.first_request(query)
    since = {
        key: value.replace(_SAMPLE_SINCE.isoformat(), "<last harvest - overlap_days>")
        for key, value in connector.since_params(_SAMPLE_SINCE).items()
    }
    return SourcePlan(
        connector.instance,
        connector.name,
        public(connector.paginator.first(first)),
        translation,
        since,
        local_filter,
    )

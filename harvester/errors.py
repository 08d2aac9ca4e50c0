"""Every error harvester raises on purpose, in one tree.

    HarvestError                      anything the CLI turns into one line and exit code 2
    ├── ConfigError                   a review file is wrong (all problems listed at once)
    │   └── UnknownNameError          a name that is not among the known ones (listed)
    │       ├── UnknownConnectorError a connector name nobody registered
    │       └── UnknownSourceError    `--source NAME` that the review file does not have
    ├── InputError                    a file the user gave cannot be read (names file, record)
    ├── StoreError                    the DuckDB store cannot be used
    │   └── StoreLockedError          another process holds the store
    └── ConnectorError                something went wrong talking to a source
        ├── FatalAPIError             4xx, bad key: retrying will not help
        ├── RetriableAPIError         429, 5xx, timeouts, dropped connections (honours Retry-After)
        │   ├── ThrottledError        the source asks to wait longer than harvester waits: next run
        │   └── DeadlineError         no complete answer within the request's or source's deadline
        ├── SkippableRecordError      one record cannot be mapped: counted, kept raw, run goes on
        └── ProtocolError             the source broke its protocol (repeated token, HTML for XML)
            ├── UnexpectedResponseError  a page not of the shape the connector reads ({}, null)
            ├── ResponseTooLargeError    a body (decompressed) or its nesting beyond the limits
            └── OAIError              an OAI-PMH error code, one class each (harvester/oai.py)

Connector errors carry the source name so a run can report them per source; a failed or
throttled source is never recorded as "0 results".
"""

from __future__ import annotations

from collections.abc import Iterable


class HarvestError(Exception):
    """Base class: the message is one line a user can act on."""


class ConfigError(HarvestError):
    """A review file (or option) is invalid. Holds every problem found, not only the first."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems) if self.problems else "invalid configuration")


class UnknownNameError(ConfigError):
    """A name that is not one of `known`; the message lists them (`kind` says what they are)."""

    kind = "name"

    def __init__(self, name: str, known: Iterable[str], where: str = "") -> None:
        self.name = name
        self.known = list(known)
        prefix = f"{where}: " if where else ""
        listed = ", ".join(self.known)
        super().__init__([f"{prefix}unknown {self.kind} {name!r}; known: {listed}"])


class UnknownConnectorError(UnknownNameError):
    kind = "connector"

    def __init__(self, name: str, known: Iterable[str], where: str = "") -> None:
        super().__init__(name, sorted(known), where)


class UnknownSourceError(UnknownNameError):
    kind = "source"  # known: in the order of the review file


class InputError(HarvestError):
    """A user-supplied input file cannot be used."""


class StoreError(HarvestError):
    """The store cannot be opened or written."""


class StoreLockedError(StoreError):
    pass


class ConnectorError(HarvestError):
    """A problem with one source. `source` is the configured source name."""

    def __init__(self, message: str, *, source: str = "", status: int | None = None) -> None:
        self.source = source
        self.status = status
        self.detail = message
        super().__init__(f"{source}: {message}" if source else message)


class FatalAPIError(ConnectorError):
    """The API refused the request for a reason retrying cannot fix."""


class RetriableAPIError(ConnectorError):
    """A transient failure; `retry_after` is the server's requested wait in seconds, if any."""

    def __init__(
        self,
        message: str,
        *,
        source: str = "",
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, source=source, status=status)
        self.retry_after = retry_after

    @property
    def throttled(self) -> bool:
        return self.status in (429, 403) or "rate limit" in self.detail.lower()


class ThrottledError(RetriableAPIError):
    """The source asked harvester to come back later than it waits: try the next run."""

    @property
    def throttled(self) -> bool:
        return True


class DeadlineError(RetriableAPIError):
    """A request (retries included) or a whole source ran past its deadline."""


class SkippableRecordError(ConnectorError):
    """One raw record could not be mapped to a Work."""


class ProtocolError(ConnectorError):
    """The response does not follow the source's protocol."""


class UnexpectedResponseError(ProtocolError):
    """A page whose shape the connector does not read: never taken for an empty result."""

    def __init__(self, message: str, *, source: str = "", status: int | None = None) -> None:
        super().__init__(f"unexpected response: {message}", source=source, status=status)


class ResponseTooLargeError(ProtocolError):
    """A response beyond harvester's bounds (its decompressed size, its JSON nesting)."""

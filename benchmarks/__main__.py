"""`make bench`: run every benchmark module and print its figures."""

from __future__ import annotations

from benchmarks import local_filter, reporting, store_writes


def main() -> None:
    store_writes.main()
    reporting.main()
    local_filter.main()


if __name__ == "__main__":
    main()

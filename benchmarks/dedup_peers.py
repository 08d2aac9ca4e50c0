"""Run a peer deduplication tool on one labelled set; runs inside the benchmark venv
(.venv-bench, `make bench-env`), so it imports nothing from harvester.

    python benchmarks/dedup_peers.py TOOL RECORDS.csv[.gz] OUT.csv

OUT.csv gets one row per record: ID, cluster.
"""

from __future__ import annotations

import csv
import sys


def read(path: str):  # type: ignore[no-untyped-def]
    import pandas as pd

    return pd.read_csv(path, dtype=str, keep_default_na=False)


def bib_dedupe_clusters(path: str) -> dict[str, str]:
    from bib_dedupe.bib_dedupe import block, cluster, match, prep

    records = read(path)
    duplicate_sets = cluster(match(block(prep(records, verbosity_level=0))), verbosity_level=0)
    found = {i: i for i in records["ID"]}
    for group in duplicate_sets:
        first = min(group)
        for record_id in group:
            found[record_id] = first
    return found


def asreview_clusters(path: str) -> dict[str, str]:
    """What `asreview data dedup` removes (same DOI, or same title+abstract text), as
    clusters: each removed record joins the earlier record it duplicates."""
    import gzip
    import tempfile

    from asreview import ASReviewData

    if path.endswith(".gz"):  # asreview reads plain files only
        with (
            tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False) as plain,
            gzip.open(path, "rb") as packed,
        ):
            plain.write(packed.read())
        path = plain.name
    data = ASReviewData.from_file(path)
    ids = list(data.df["ID"]) if "ID" in data.df.columns else [str(i) for i in data.df.index]
    keys: list[list[str]] = [[] for _ in ids]
    if "doi" in data.df.columns:
        dois = (
            data.df["doi"]
            .fillna("")
            .str.strip()
            .str.lower()
            .str.replace(r"^https?://(www\.)?doi\.org/", "", regex=True)
        )
        for i, doi in enumerate(dois):
            if doi:
                keys[i].append("doi:" + doi)
    import re

    for i, text in enumerate(data.texts):
        cleaned = re.sub("[^A-Za-z0-9]", "", str(text)).lower()
        if cleaned:
            keys[i].append("text:" + cleaned)
    parent = list(range(len(ids)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_with: dict[str, int] = {}
    for i, record_keys in enumerate(keys):
        for key in record_keys:
            if key in first_with:
                a, b = find(i), find(first_with[key])
                parent[max(a, b)] = min(a, b)
            else:
                first_with[key] = i
    return {ids[i]: ids[find(i)] for i in range(len(ids))}


TOOLS = {"bib-dedupe": bib_dedupe_clusters, "asreview-datatools": asreview_clusters}


def main() -> None:
    tool, records, out = sys.argv[1:4]
    clusters = TOOLS[tool](records)
    with open(out, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["ID", "cluster"])
        writer.writerows(clusters.items())
    import resource

    # bib-dedupe forks worker processes: report the largest of us and them.
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    print(f"PEAK_KB={peak}", file=sys.stderr)


if __name__ == "__main__":
    main()

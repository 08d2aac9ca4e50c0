"""Review files: the bundled ones load; every problem of a bad one is reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester.errors import ConfigError
from harvester.registry import connectors
from harvester.review import load_review
from tests.conftest import ROOT


@pytest.mark.parametrize("path", sorted((ROOT / "config" / "reviews").glob("*.toml")))
def test_bundled_reviews_are_valid(path: Path) -> None:
    review = load_review(path)
    assert review.sources and review.query.text


def test_egov_review_mixes_english_and_indonesian_terms() -> None:
    review = load_review(ROOT / "config" / "reviews" / "egov-oss.toml")
    terms = {t.lower() for t in review.query.terms()}
    assert {"pelayanan terpadu satu pintu", "perizinan online", "local government"} <= terms
    assert review.schedule == "weekly"
    assert (review.query.year_from, review.query.year_to) == (2010, 2026)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "review.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_review(path)
    return caught.value.problems


def test_invalid_toml_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '[review]\ntitle = "x"\n[query]\ntext = "unterminated\n')
    (problem,) = problems(path)
    assert problem.startswith(f"{path}: line 4, column")
    assert "invalid TOML" in problem


def test_every_problem_is_reported_with_file_line_and_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """[review]
title = "x"
schedule = "fortnightly"
colour = "blue"

[query]
years = [2024, 2010]

[[sources]]
connector = "crossref"
max_records = -5

[[sources]]
connector = "crosref"
""",
    )
    found = problems(path)
    known = ", ".join(sorted([*connectors(), "files"]))
    expected = [
        "line 3: review.schedule: must be daily, weekly, monthly or a 5-field cron line",
        "line 4: review.colour: unknown key",
        "query.text: required",
        "line 7: query.years: starts after it ends (2024 > 2010)",
        "line 11: sources[1].max_records: must be a positive whole number",
        f"line 14: sources[2].connector: unknown connector 'crosref'; known: {known}",
    ]
    for fragment in expected:
        assert any(fragment in p for p in found), (fragment, found)
    assert all(p.startswith(str(path)) for p in found)


def test_duplicate_source_names_and_unknown_source_keys(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """[query]
text = "x"
[[sources]]
connector = "crossref"
[[sources]]
connector = "crossref"
rows = 5
""",
    )
    found = problems(path)
    assert any("sources[2].name: 'crossref' is used by two sources" in p for p in found)
    assert any("line 7: sources[2].rows: unknown key for crossref" in p for p in found)


def test_missing_file(tmp_path: Path) -> None:
    assert problems(tmp_path / "nope.toml") == [f"{tmp_path / 'nope.toml'}: no such review file"]


def test_contact_falls_back_to_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARVESTER_MAILTO", "team@example.org")
    path = write(tmp_path, '[query]\ntext = "x"\n[[sources]]\nconnector = "openalex"\n')
    review = load_review(path)
    assert review.contact == "team@example.org"
    assert review.id == "review"


def test_source_specific_query_and_options(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """[query]
text = "a OR b"
[[sources]]
connector = "openalex"
query = "c"
since_filter = "from_created_date"
""",
    )
    review = load_review(path)
    (source,) = review.sources
    assert review.query_for(source).text == "c"
    assert source.settings == {"since_filter": "from_created_date"}


@pytest.mark.parametrize(
    ("value", "line", "column"),
    [
        # A multi-line literal string: characters map one to one onto the file.
        ("'''\nkota OR\n  (izin AND desa\n'''", 8, 3),
        ("'''(izin AND desa'''", 6, 11),
        # Basic strings decode escapes; positions still point into the file as written.
        ('"\\"e-gov\\" AND (izin AND desa"', 6, 23),
        ('"""\nkota AND \\\n    (izin AND desa"""', 8, 5),
    ],
)
def test_a_query_syntax_error_points_at_its_line_and_column_in_the_file(
    tmp_path: Path, value: str, line: int, column: int
) -> None:
    path = write(
        tmp_path,
        f'[review]\ntitle = "x"\n\n[query]\nyears = [2010, 2026]\ntext = {value}\n'
        '\n[[sources]]\nconnector = "crossref"\n',
    )
    (problem,) = problems(path)
    assert problem == (
        f"{path}: line {line}, column {column}: query.text: this bracket is never closed"
    )


def test_every_bad_strategy_is_reported_at_once_with_the_source_that_has_it(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        """[query]
text = "kota AND"

[[sources]]
connector = "crossref"

[[sources]]
connector = "openalex"
query = "izin OR keywords:kota AND desa"
""",
    )
    assert problems(path) == [
        f"{path}: line 2, column 14: query.text: AND needs a term after it",
        f"{path}: line 9, column 32: sources[2].query: AND (or NOT) and OR at one level: "
        "add brackets to say which comes first, e.g. (a OR b) AND c",
    ]


def test_a_strategy_a_source_cannot_search_at_all_is_reported_for_that_source(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        """[query]
text = "title:izin"

[[sources]]
connector = "crossref"

[[sources]]
connector = "openalex"
query = "keywords:kota"
""",
    )
    (problem,) = problems(path)
    assert problem.startswith(f"{path}: line 9: sources[2].query: OpenAlex cannot search any part")
    assert problem.endswith("give this source its own query")


def test_a_source_query_replaces_the_review_strategy_for_that_source(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """[query]
text = "keywords:kota OR title:izin"
years = [2015, 2020]

[[sources]]
connector = "crossref"

[[sources]]
connector = "openalex"
query = "kota OR izin"
""",
    )
    review = load_review(path)
    own = review.query_for(review.sources[1])
    assert (own.text, own.year_from, own.year_to) == ("kota OR izin", 2015, 2020)


def test_file_source_mistakes_are_reported_with_their_keys(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[review]\nscreening_language = "klingon"\n[query]\ntext = "x"\n'
        '[[sources]]\nconnector = "files"\ncolour = "red"\n'
        "[[sources.searches]]\ndate = '2024-13-01'\n"
        "[[sources.searches]]\nfile = \"a.csv\"\nhits = -3\ndate = 'May 2024'\n"
        '[[sources]]\nconnector = "files"\nname = "up"\npath = "../elsewhere/*.csv"\n',
    )
    found = "\n".join(problems(path))
    for fragment in (
        'review.screening_language: must be a language code such as "en"',
        "sources[1].colour: unknown key for files",
        "sources[1].path: required",
        "searches[1].file: required",
        "searches[2].hits: must be a whole number",
        "searches[2].date: must be a date such as 2024-05-02",
        "sources[2].path: must be relative to the review file",
    ):
        assert fragment in found, (fragment, found)


def test_file_source_defaults(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[review]\nscreening_language = "Indonesian"\n[query]\ntext = "x"\n'
        '[[sources]]\nconnector = "files"\npath = "exports/*.ris"\n'
        '[[sources.searches]]\nfile = "exports/2024-*.ris"\ndate = 2024-05-02\nhits = 10\n',
    )
    review = load_review(path)
    (source,) = review.sources
    assert (source.name, source.local_filter, review.screening_language) == ("files", False, "id")
    assert source.files is not None
    declared = source.files.search_for("exports/2024-05-02.ris")
    assert declared is not None and (declared.date, declared.hits) == ("2024-05-02", 10)
    assert source.files.search_for("exports/2023-01-01.csv") is None

"""`connectors parse` on bodies that are not what the source speaks: one clear line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

# What a journal site or a proxy answers instead of the API (made here: none was recorded).
HTML = "<!DOCTYPE html>\n<html><head><title>Beranda</title></head><body>Maaf</body></html>\n"


@pytest.mark.parametrize(
    ("connector", "message"),
    [
        ("oai_pmh", "expected XML but received an HTML page: <!DOCTYPE html> <html>"),
        ("doaj", "response is not JSON: <!DOCTYPE html>"),
        ("semantic_scholar", "response is not JSON: <!DOCTYPE html>"),
        ("datacite", "response is not JSON: <!DOCTYPE html>"),
    ],
)
def test_an_html_page_is_named_in_one_line(tmp_path: Path, connector: str, message: str) -> None:
    page = tmp_path / "page.html"
    page.write_text(HTML, encoding="utf-8")
    result = run_cli("connectors", "parse", connector, page)
    assert (result.returncode, result.stdout) == (2, "")
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {connector}: {message}")


def test_broken_xml_is_named_with_its_position(tmp_path: Path) -> None:
    cut = tmp_path / "cut.xml"
    cut.write_text('<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords><record>')
    result = run_cli("connectors", "parse", "oai_pmh", cut)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: oai_pmh: response is not valid XML")

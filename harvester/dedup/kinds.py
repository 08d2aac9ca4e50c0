"""What kind of item a record is: a notice about another article (erratum, retraction,
reply), one part of several, a title that names no subject ("Editorial"), and whether it is a
journal article, a conference paper, a preprint, a book or a thesis.

Pure functions of one record: the vetoes in `harvester.dedup.rules` compare their results.
"""

from __future__ import annotations

import re

from harvester.normalize import fold
from harvester.work import Work

# Records that are about another article rather than the article itself. A notice and the
# article it concerns share most of their title, so they must never merge on it.
_KINDS = (
    (
        "erratum",
        re.compile(
            r"^(?:erratum|errata|corrigendum|corrigenda|correction|corrections|correcting)\b"
            r"|\b(?:erratum|corrigendum|correction) (?:to|for|of|in|on)\b"
            r"|\b(?:erratum|corrigendum)$"
        ),
    ),
    (
        "retraction",
        re.compile(
            r"^(?:notice of retraction|retraction|retraction notice|retraction note|"
            r"expression of concern|withdrawal)\b|\bretraction (?:of|to|for|notice)\b"
        ),
    ),
    (
        "comment",
        # "Response" is also an ordinary word of research titles ("Response of tumours to
        # radiation", "... in response to humanitarian events"): it marks a reply only when
        # it stands alone or answers a letter, comment, article or its authors.
        re.compile(
            r"^(?:reply|comment|comments|commentary|in reply|authors? reply|"
            r"letter to the editor)\b|^response$|\b(?:reply|comment|comments|commentary) "
            r"(?:to|on|regarding)\b|\bauthors? reply\b|\bresponse (?:to|from|on|regarding) "
            r"(?:the |a |an )?(?:letters?|comments?|commentary|editorial|article|"
            r"correspondence|critique|criticism|authors?|reviewers?|dr|drs|prof)\b"
        ),
    ),
    ("withdrawn", re.compile(r"^withdrawn\b")),
)
# Every pattern above needs one of these words.
_KIND_WORDS = frozenset(
    [
        "erratum",
        "errata",
        "corrigendum",
        "corrigenda",
        "correction",
        "corrections",
        "correcting",
        "notice",
        "retraction",
        "expression",
        "withdrawal",
        "withdrawn",
        "reply",
        "response",
        "comment",
        "comments",
        "commentary",
        "letter",
        "authors",
        "author",
    ]
)
_PART = re.compile(r"\b(?:part|pt|teil|partie)\s+([0-9]+|[ivx]+|one|two|three|four|a|b|c)\b")
_PART_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "i": "1", "ii": "2"}
_PART_WORDS |= {"iii": "3", "iv": "4", "v": "5", "vi": "6", "a": "1", "b": "2", "c": "3"}

# Titles that name a kind of item, not an article: two of them say nothing about each other.
GENERIC_TITLES = frozenset(
    (
        "editorial",
        "guest editorial",
        "editor s note",
        "editors note",
        "editor s notes",
        "editors notes",
        "editorial note",
        "editorial notes",
        "editor s comments",
        "editors comments",
        "editor s comment",
        "editor s introduction",
        "from the editor",
        "from the editors",
        "letter from the editor",
        "introduction",
        "preface",
        "foreword",
        "reply",
        "response",
        "letter",
        "letters",
        "comment",
        "commentary",
        "invited commentary",
        "editorial comment",
        "erratum",
        "errata",
        "correction",
        "corrigendum",
        "book review",
        "book reviews",
        "in this issue",
        "news",
        "obituary",
        "abstracts",
        "index",
        "contents",
        "table of contents",
        "editorial board",
        "announcement",
        "announcements",
        "acknowledgment",
        "acknowledgments",
        "acknowledgement",
        "acknowledgements",
        "reviewers",
        "conference report",
        "highlights",
        "summary",
        "untitled",
        "discussion",
        "conclusion",
        "conclusions",
        "overview",
        "retraction notice",
        "abstract",
        "introduction to the special issue",
        "authors reply",
        "author s reply",
        "reply to letter",
        "response to letter",
        "in reply",
    )
)

# Servers of preprints, by DOI prefix and by name: a preprint and its journal version are
# linked, not merged, unless the caller asks otherwise.
PREPRINT_DOI_PREFIXES = (
    "10.1101/",  # bioRxiv, medRxiv
    "10.48550/",  # arXiv
    "10.2139/",  # SSRN
    "10.21203/",  # Research Square
    "10.20944/",  # Preprints.org
    "10.31219/",  # OSF Preprints
    "10.31234/",  # PsyArXiv
    "10.31235/",  # SocArXiv
    "10.26434/",  # ChemRxiv
    "10.36227/",  # TechRxiv
    "10.22541/",  # Authorea
)
_PREPRINT_DOI = re.compile(
    "|".join(
        re.escape(prefix) + (r"\d" if prefix == "10.1101/" else "")
        for prefix in PREPRINT_DOI_PREFIXES
    )
)
_PREPRINT_VENUE = re.compile(
    r"\b(?:arxiv|biorxiv|medrxiv|ssrn|research square|preprints?|chemrxiv|techrxiv|"
    r"psyarxiv|socarxiv|authorea|osf preprints)\b"
)
_CONFERENCE_VENUE = re.compile(
    r"\b(?:conference|congress|meeting|symposium|workshop|abstracts?|annual scientific|"
    r"proceedings|colloquium|convention)\b"
)
_JOURNAL_PROCEEDINGS = re.compile(r"national academy|royal society|mayo clin|proc natl")
# Publication types databases give meeting records: BibTeX, Crossref and RIS names, Embase's
# "Conference Abstract" and Web of Science's "Meeting Abstract".
_CONFERENCE_TYPES = {
    "inproceedings",
    "conference",
    "proceedings-article",
    "cpaper",
    "abst",
    "conference abstract",
    "conference paper",
    "conference review",
    "meeting abstract",
    "proceedings paper",
}
_JOURNAL_TYPES = {"article", "journal-article", "jour", "review", "letter", "editorial"}
# Of those, the types of a meeting abstract (not a full paper in proceedings).
_MEETING_ABSTRACT_TYPES = {"abst", "conference abstract", "meeting abstract"}
_BOOK_TYPES = {"book", "inbook", "incollection", "book-chapter", "chap", "monograph"}
_THESIS_TYPES = {"phdthesis", "mastersthesis", "thesis", "dissertation", "thes"}


# "Re: Effects of X" answers a letter; "Re-evaluation of X" does not: the colon tells.
_RE_PREFIX = re.compile(r"^\W*re\s*:", re.IGNORECASE)


def record_kind(title: str, plain: str = "") -> str:
    """ "erratum", "retraction", "comment", "withdrawn" or "" for a folded title key (and
    the title it came from, with its punctuation)."""
    if _RE_PREFIX.match(plain):
        return "comment"
    if _KIND_WORDS.isdisjoint(title.split()):
        return ""  # most titles: none of the words any pattern needs
    for kind, pattern in _KINDS:
        if pattern.search(title):
            return kind
    return ""


def part_number(title: str) -> str:
    """The part of a multi-part article ("Part 2", "Part II", "Pt. two" all give "2")."""
    found = _PART.search(title)
    if not found:
        return ""
    value = found.group(1)
    return _PART_WORDS.get(value, value)


def is_generic(title: str) -> bool:
    """A title such as "Editorial" or "Reply" that names a kind of item, not its subject."""
    return not title or title in GENERIC_TITLES or len(title.split()) <= 1


def category(work: Work, venue: str, *, meeting: bool = False) -> str:
    """What kind of publication: preprint, conference, journal, book, thesis or "".

    `venue` is the journal's name alone; `meeting` says the record names the meeting it was
    given at (Ovid's "Journal. Conference: ..."): a conference abstract.
    """
    kind = (work.type or "").lower()
    if kind in ("preprint", "posted-content") or (venue and _PREPRINT_VENUE.search(venue)):
        return "preprint"
    # A preprint server's DOI on a record that names a journal or conference of its own is a
    # link the database added, not what the record is (and Cold Spring Harbor's journals
    # share bioRxiv's prefix: 10.1101/gr.123 is Genome Research).
    if not venue and _PREPRINT_DOI.match((work.doi or "").lower()):
        return "preprint"
    if kind in _CONFERENCE_TYPES:
        return "conference"
    if kind in _BOOK_TYPES:
        return "book"
    if kind in _THESIS_TYPES:
        return "thesis"
    issue = fold(work.issue)
    if meeting:
        return "conference"
    if (venue and _CONFERENCE_VENUE.search(venue) and not _JOURNAL_PROCEEDINGS.search(venue)) or (
        "meeting" in issue or "abstract" in issue
    ):
        return "conference"
    return "journal" if kind in _JOURNAL_TYPES or venue else ""


def is_meeting_abstract(work: Work) -> bool:
    """The record's type says it is an abstract given at a meeting."""
    return (work.type or "").lower() in _MEETING_ABSTRACT_TYPES

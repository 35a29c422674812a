"""The citations in a catalogue `source` field (FORMAT.md, "Citing a source").

A source that follows the convention names each document as
発行者「表題」（日付）, several joined by 「、」:

    総務省「自治体DX推進計画【第2.3版】」（2024年2月5日）、デジタル庁「…」（2024年7月）

The date is the document's own (its publication, or for a page that is kept up
to date, the month of the version relied on), to the day, the month or the
year. Free text that does not follow the convention is still a valid source;
it simply yields no citations, so nothing can be checked about it.
"""

import re
from dataclasses import dataclass
from datetime import date

_DATE = r"（(?P<year>[0-9]{4})年(?:(?P<month>[0-9]{1,2})月(?:(?P<day>[0-9]{1,2})日)?)?）"
_ONE = re.compile(r"(?P<publisher>[^「」（）、]+)「(?P<title>[^「」]+)」" + _DATE)
# The same citation without group names, repeated: the whole source must be citations.
_UNNAMED = re.sub(r"\?P<[a-z]+>", "?:", _ONE.pattern)
_ALL = re.compile(rf"{_UNNAMED}(?:、{_UNNAMED})*")


@dataclass(frozen=True)
class Citation:
    publisher: str
    title: str
    text: str  # as written, for messages
    # The first day the written date allows: a citation is later than a day only
    # when it cannot have been published by then.
    earliest: date


def citations(source: str) -> list[Citation]:
    """The documents `source` cites, or [] when it does not follow the convention."""
    source = source.strip()
    if not source or not _ALL.fullmatch(source):
        return []
    found = []
    for match in _ONE.finditer(source):
        earliest = _earliest(match)
        if earliest is None:
            return []  # a date that does not exist (2月30日) is no citation
        found.append(
            Citation(
                publisher=match["publisher"].strip(),
                title=match["title"],
                text=match.group(0),
                earliest=earliest,
            )
        )
    return found


def _earliest(match: re.Match) -> date | None:
    try:
        return date(int(match["year"]), int(match["month"] or 1), int(match["day"] or 1))
    except ValueError:
        return None

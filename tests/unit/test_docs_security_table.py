"""docs/security.md lists every requirement of SECURITY.md with the tests that prove it (issue 7,
item 6; OPS-01 for docs/threat-model.md).

The table must have one row per requirement id of SECURITY.md's checklist (read from
``../shared/SECURITY.md``, next to the repository, when it is there), a status that is "proven",
"partly proven — why" or "open — why", a status line that counts the rows truly, and citations of
test modules and test functions that exist. Every id a test names must have a row.
"""

import re
from collections import Counter
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TABLE = PROJECT_ROOT / "docs" / "security.md"
THREAT_MODEL = PROJECT_ROOT / "docs" / "threat-model.md"
SECURITY_MD = PROJECT_ROOT.parent / "shared" / "SECURITY.md"  # README: ../shared/SECURITY.md

ID = r"[A-Z]+-\d{2}"
STATUSES = ("proven", "partly proven", "open")
CITATION = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?`")
STATUS_LINE = re.compile(r"\*\*Status: (\d+) proven, (\d+) partly proven, (\d+) open\.\*\*")
OPEN_LINE = re.compile(r"^Open: (.*)\.$", re.MULTILINE)


def _cells(line: str) -> list[str]:
    """The cells of a Markdown table row; ``\\|`` inside a cell is not a separator."""
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def requirement_ids(security_text: str) -> list[str]:
    """The ids of SECURITY.md's checklist: the first cell of its table rows."""
    return re.findall(rf"^\| ({ID}) \|", security_text, re.MULTILINE)


def table_rows(table_text: str) -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    for line in table_text.splitlines():
        if re.match(rf"^\| {ID} \|", line):
            cells = _cells(line)
            assert len(cells) == 4, f"a row needs ID, requirement, proven by and status: {line}"
            assert cells[0] not in rows, f"{cells[0]} has two rows"
            rows[cells[0]] = cells
    return rows


def status_of(cells: list[str]) -> str:
    status = cells[3]
    for word in ("partly proven", "proven", "open"):  # "partly proven" before "proven"
        if status == word or status.startswith(word + " — "):
            return word
    raise AssertionError(f"{cells[0]}: the status must be one of {STATUSES}, not {status!r}")


def missing_rows(security_text: str, table_text: str) -> list[str]:
    rows = table_rows(table_text)
    return [requirement_id for requirement_id in requirement_ids(security_text) if requirement_id not in rows]


@pytest.fixture(scope="module")
def rows() -> dict[str, list[str]]:
    return table_rows(TABLE.read_text(encoding="utf-8"))


@pytest.mark.skipif(not SECURITY_MD.is_file(), reason=f"SECURITY.md is not at {SECURITY_MD} on this machine")
def test_every_requirement_of_security_md_has_exactly_one_row(rows):
    ids = requirement_ids(SECURITY_MD.read_text(encoding="utf-8"))
    assert len(ids) > 50 and len(set(ids)) == len(ids)
    assert [i for i in ids if i not in rows] == [], "requirements of SECURITY.md missing from docs/security.md"
    assert [i for i in rows if i not in ids] == [], "rows for ids SECURITY.md does not have"


def test_the_check_notices_a_missing_row():
    security = "| ID | Requirement |\n|---|---|\n| ZZ-01 | one |\n| ZZ-02 | two |\n"
    table = "| ZZ-01 | one | `tests/x.py` | proven |\n"
    assert missing_rows(security, table) == ["ZZ-02"]
    assert missing_rows(security, table + "| ZZ-02 | two | — | open — not built |\n") == []


def test_every_row_has_a_known_status_and_says_why_when_not_proven(rows):
    for cells in rows.values():
        status = status_of(cells)
        if status != "proven":
            assert cells[3].startswith(status + " — ") and len(cells[3]) > len(status) + 10, cells
        if status != "open":
            assert cells[2] not in {"", "—"}, f"{cells[0]} is {status} but cites nothing"


def test_the_status_line_counts_the_rows_and_lists_the_open_ids(rows):
    text = TABLE.read_text(encoding="utf-8")
    counts = Counter(status_of(cells) for cells in rows.values())
    line = STATUS_LINE.search(text)
    assert line, "docs/security.md must say **Status: N proven, M partly proven, K open.**"
    assert tuple(int(n) for n in line.groups()) == (counts["proven"], counts["partly proven"], counts["open"])
    listed = OPEN_LINE.search(text)
    assert listed, "docs/security.md must list the open ids on a line 'Open: …'"
    open_ids = {i for i, cells in rows.items() if status_of(cells) == "open"}
    assert set(re.findall(ID, listed.group(1))) == open_ids


def test_every_cited_test_module_and_function_exists(rows):
    cited = 0
    for cells in rows.values():
        for path, function in CITATION.findall(cells[2] + " " + cells[3]):
            module = PROJECT_ROOT / path
            assert module.is_file(), f"{cells[0]} cites {path}, which does not exist"
            if function:
                assert re.search(rf"^def {function}\(", module.read_text(encoding="utf-8"), re.MULTILINE), \
                    f"{cells[0]} cites {path}::{function}, which does not exist"
            cited += 1
    assert cited > 100


def test_every_requirement_id_a_test_names_has_a_row(rows):
    prefixes = "|".join(sorted({requirement_id.split("-")[0] for requirement_id in rows}))
    named = re.compile(rf"\b(?:{prefixes})-\d{{2}}\b")
    unknown: dict[str, set[str]] = {}
    for path in sorted((PROJECT_ROOT / "tests").rglob("*.py")):
        for requirement_id in set(named.findall(path.read_text(encoding="utf-8"))) - set(rows):
            unknown.setdefault(requirement_id, set()).add(str(path.relative_to(PROJECT_ROOT)))
    assert unknown == {}, "tests name ids that docs/security.md (and SECURITY.md) do not have"


def test_the_threat_model_exists_and_links_its_companions():  # OPS-01
    text = THREAT_MODEL.read_text(encoding="utf-8")
    for heading in ("## Assets", "## Adversaries", "## Assumptions", "## What a compromise surrenders"):
        assert heading in text
    assert "](crypto.md)" in text and "](security.md)" in text
    assert "](threat-model.md)" in TABLE.read_text(encoding="utf-8")

"""The dashboard's charts: the service's numbers, labelled in the user's language, drawn as SVG.

This is the one place where the dashboard marks a string as markup (``Markup``) so that Jinja puts the
SVG into the page as it is. That is safe because the strings come only from ``caseapp.domain.charts``,
which escapes every label and title it is given and adds nothing else but numbers and fixed
attributes (tests/unit/test_charts.py proves the escaping); reviewed in tests/security/test_static_rules.py
(MARKUP_ALLOWED).
"""

from markupsafe import Markup

from caseapp.domain import charts, committee
from caseapp.domain.covenant import BY_CODE
from caseapp.services import state_names
from caseapp.services.dashboard import PublicityRow, StateCounts
from caseapp.web.labels import STATUS_LABELS
from caseapp.web.translation import gettext as _
from caseapp.web.translation import lazy_gettext as _l
from caseapp.web.translation import ngettext

# The labels of domain.committee, here as translatable strings (in the order of DECISION_TYPES).
DECISION_LABELS = {
    committee.INADMISSIBLE: _l("Inadmissible"),
    committee.VIEWS_VIOLATION: _l("Views: violation found"),
    committee.VIEWS_NO_VIOLATION: _l("Views: no violation"),
    committee.DISCONTINUED: _l("Discontinued"),
}
PUBLICITY_LABELS = {
    "translation": _l("Translation into the national language(s)"),
    "press_release": _l("Press release"),
    "authorities": _l("Transmission to national authorities"),
    "courts": _l("Transmission to national courts"),
    "partner_network": _l("Dissemination in the partner network"),
    "ohchr_database": _l("Entry in the OHCHR jurisprudence database"),
    "escr_net_database": _l("Entry in the ESCR-Net caselaw database"),
}


def _svg(svg: str | None) -> Markup | None:
    """An SVG string of ``domain.charts`` (escaped there) as markup; None stays None (empty state)."""
    return None if svg is None else Markup(svg)  # noqa: S704 — built by domain.charts, every text escaped


def stages_chart(by_stage: list[tuple[str, int]]) -> Markup | None:
    rows = [(str(STATUS_LABELS.get(stage, stage)), count) for stage, count in by_stage]
    return _svg(charts.bar_chart(rows, title=_("Cases by stage"), chart_id="chart-stages"))


def states_chart(by_state: StateCounts) -> Markup | None:
    rows = [(state_names.name(code) or code if code else _("State not recorded"), count)
            for code, count in by_state.top]
    if by_state.others:
        rows.append((_("Other States (%(num)d)", num=by_state.other_states), by_state.others))
    return _svg(charts.bar_chart(rows, title=_("Cases by State"), chart_id="chart-states"))


def rights_chart(by_right: list[tuple[str, int]]) -> Markup | None:
    rows = [(_right_label(code), count) for code, count in by_right]
    return _svg(charts.bar_chart(rows, title=_("Cases by right invoked"), chart_id="chart-rights",
                                 colour=charts.PALETTE[1]))


def _right_label(code: str) -> str:
    """ "Art. 11(1): Adequate housing, …" — the article first, so that it survives shortening on a narrow chart."""
    right = BY_CODE.get(code)
    if right is None:
        return _("Art. %(code)s", code=code)
    return _("Art. %(code)s: %(label)s", code=code, label=_(right.label).removesuffix(f" (art. {code})"))


def decisions_chart(by_year: list[tuple[int, dict[str, int]]]) -> Markup | None:
    codes = [code for code, _label in committee.DECISION_TYPES]
    groups = [(str(year), [counts.get(code, 0) for code in codes]) for year, counts in by_year]
    return _svg(charts.grouped_bar_chart(groups, series=[str(DECISION_LABELS[code]) for code in codes],
                                         title=_("Decisions by outcome and year"), chart_id="chart-decisions"))


def publicity_progress(row: PublicityRow) -> Markup:
    label = _("Publicity checklist: %(done)d of %(total)d items done", done=row.done, total=row.total)
    return Markup(charts.progress_bar(row.done, row.total, label=label))  # noqa: S704 — escaped by domain.charts


def states_map(parties: list[tuple[str, str]],
               counts: dict[str | None, int]) -> tuple[Markup, list[tuple[str, str, int]]]:
    """The tile map of the States parties coloured by their number of cases, and the same numbers as the
    rows of its table: (ISO code, name, cases), by name. Every party has its tile, with or without cases."""
    rows = [(code, name, int(counts.get(code, 0))) for code, name in parties]
    tiles = [(code, ngettext("%(state)s: %(num)d case", "%(state)s: %(num)d cases", count, state=name), count)
             for code, name, count in rows]
    legend = [_("No case"), _("1 case"), _("2 to 4 cases"), _("5 to 9 cases"), _("10 cases or more")]
    description = "; ".join(label for _code, label, _count in tiles)
    svg = charts.tile_map(tiles, title=_("Cases by State party (schematic tile map)"), description=description,
                          legend=legend, chart_id="map-states")
    return Markup(svg), rows  # noqa: S704 — built by domain.charts, every text escaped

"""Charts drawn on the server as inline SVG (DESIGN.md §6): horizontal bars, grouped bars, a progress bar.

Pure functions from numbers and labels to an SVG string; no Flask. What they promise:

* **Escaped**: every label and title goes through ``html.escape`` (``& < > " '``), so a label taken
  from data — "<script>" — is text, never markup. Numbers are formatted integers. Nothing else
  varies, which is what lets the dashboard hand the string to its template as markup.
* **CSP-clean**: colours and sizes are SVG presentation attributes (``fill=``, ``width=``), never a
  ``style=`` attribute or a ``<style>`` element, which ``style-src 'self'`` refuses.
* **Accessible**: ``role="img"`` with ``aria-labelledby`` naming a ``<title>`` and a ``<desc>`` that
  lists every label with its value, so a screen reader reads the data, not a picture. Every bar
  prints its label and number as text: colour is never the only carrier of meaning, and the palette
  has at least 3:1 contrast against white (WCAG 1.4.11; the text is near-black).
* **Narrow screens**: the label sits on its own line above its bar, the SVG has a ``viewBox`` and
  ``width="100%"``, so it scales down to a 360 px screen without text running into the bars.
* **Empty**: no rows, or only zeros, gives ``None``; the page says so in words instead.
"""

import hashlib
from collections.abc import Sequence
from html import escape

# Dark enough against white for graphics (>= 3:1) and telling apart without relying on hue alone:
# each bar is labelled anyway.
PALETTE = ("#0b5d4b", "#1e40af", "#b45309", "#7e22ce", "#be123c", "#374151")
TEXT_COLOUR = "#212529"
TRACK_COLOUR = "#e9ecef"

WIDTH = 360  # viewBox units; at 360 px the chart is drawn almost 1:1
FONT_SIZE = 15
LABEL_HEIGHT = 19  # the label line above each bar
BAR_HEIGHT = 16
ROW_GAP = 10
VALUE_SPACE = 64  # kept free right of the longest bar for its number
BAR_MAX = WIDTH - VALUE_SPACE
GROUP_HEADING = 22  # the year line above a group of bars
CHAR_WIDTH = 0.6 * FONT_SIZE  # a generous average, to shorten labels that would not fit
ELLIPSIS = "…"


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _number(value: int) -> str:
    return f"{int(value):,}"


def _fit(label: str, width: float = WIDTH) -> str:
    """The label, shortened with an ellipsis when it would run past ``width`` (whole in <desc> and its tooltip)."""
    limit = max(4, int(width // CHAR_WIDTH))
    return label if len(label) <= limit else label[: limit - 1].rstrip() + ELLIPSIS


def _chart_id(title: str, chart_id: str | None) -> str:
    if chart_id:
        return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in chart_id)
    return "chart-" + hashlib.sha256(title.encode()).hexdigest()[:10]


def _c(value: float) -> str:
    """A coordinate as SVG wants it: 296, 98.67."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _with_unit(value: int, unit: str) -> str:
    return f"{_number(value)} {unit}" if unit else _number(value)


def _bar_width(value: int, largest: int, longest: float = BAR_MAX) -> float:
    """Proportional: the largest value gets the longest bar."""
    return round(longest * value / largest, 2) if largest else 0.0


def _svg(chart_id: str, title: str, description: str, height: int, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="100%" '
        f'viewBox="0 0 {WIDTH} {height}" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">'
        f'<title id="{chart_id}-title">{_text(title)}</title>'
        f'<desc id="{chart_id}-desc">{_text(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _label(x: float, y: float, label: str, width: float, extra: str = "") -> str:
    """A line of text; when shortened to fit, the whole label is its tooltip (``<title>``)."""
    shown = _fit(label, width)
    tooltip = f"<title>{_text(label)}</title>" if shown != label else ""
    return f'<text x="{_c(x)}" y="{_c(y)}"{extra}>{tooltip}{_text(shown)}</text>'


def _bar_row(y: float, label: str, value: int, largest: int, colour: str, unit: str, indent: float = 0) -> list[str]:
    """One labelled bar: the label on its own line, then the bar and its number."""
    width = _bar_width(value, largest, BAR_MAX - indent)
    bar_y = y + LABEL_HEIGHT
    return [
        _label(indent, y + FONT_SIZE, label, WIDTH - indent),
        f'<rect x="{_c(indent)}" y="{_c(bar_y)}" width="{_c(width)}" height="{BAR_HEIGHT}" rx="2" fill="{colour}"/>',
        f'<text x="{_c(indent + width + 6)}" y="{_c(bar_y + BAR_HEIGHT - 3)}" font-weight="600">'
        f"{_text(_with_unit(value, unit))}</text>",
    ]


def bar_chart(rows: Sequence[tuple[str, int]], *, title: str, unit: str = "", colour: str = PALETTE[0],
              chart_id: str | None = None) -> str | None:
    """Horizontal bars, one per (label, value), in the order given; the longest bar is the largest value.

    ``unit`` follows each number ("3 cases"). None when there is nothing to draw (no rows, or all zero).
    """
    rows = [(str(label), int(value)) for label, value in rows]
    largest = max((value for _label, value in rows), default=0)
    if largest <= 0:
        return None
    cid = _chart_id(title, chart_id)
    step = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    body: list[str] = []
    for index, (label, value) in enumerate(rows):
        body += _bar_row(index * step, label, value, largest, colour, unit)
    description = "; ".join(f"{label}: {_with_unit(value, unit)}" for label, value in rows)
    return _svg(cid, title, description, len(rows) * step - ROW_GAP + 2, body)


def grouped_bar_chart(groups: Sequence[tuple[str, Sequence[int]]], *, series: Sequence[str], title: str,
                      unit: str = "", chart_id: str | None = None) -> str | None:
    """Bars in groups — e.g. decisions per year, one bar per outcome — all on one scale.

    ``groups`` is ``[(group label, [value per series]), ...]`` with values in the order of ``series``;
    each series keeps its colour in every group, and every bar is labelled with its series name and
    number. Zero values are left out of a group (its heading says the group's total); groups whose
    values are all zero are left out; None when nothing remains.
    """
    kept = [(str(label), [int(v) for v in values]) for label, values in groups if any(int(v) for v in values)]
    largest = max((v for _label, values in kept for v in values), default=0)
    if largest <= 0:
        return None
    cid = _chart_id(title, chart_id)
    indent = 12
    step = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    body: list[str] = []
    described: list[str] = []
    y = 0.0
    for label, values in kept:
        total = sum(values)
        body.append(_label(0, y + FONT_SIZE + 2, f"{label} ({_with_unit(total, unit)})", WIDTH,
                           ' font-weight="700"'))
        y += GROUP_HEADING
        parts = []
        for index, (name, value) in enumerate(zip(series, values, strict=True)):
            if not value:
                continue
            body += _bar_row(y, name, value, largest, PALETTE[index % len(PALETTE)], unit, indent=indent)
            parts.append(f"{name}: {_with_unit(value, unit)}")
            y += step
        described.append(f"{label} — " + ", ".join(parts))
        y += ROW_GAP / 2
    return _svg(cid, title, "; ".join(described), round(y), body)


def progress_bar(done: int, total: int, *, label: str, colour: str = PALETTE[0]) -> str:
    """A thin progress bar ("4 of 7 done") as SVG, for tables: Bootstrap's progress bar needs an inline
    ``style="width: …"`` that the CSP refuses. The caller prints "4/7" beside it; the bar is a picture
    of the same number, named by ``label`` for screen readers."""
    done, total = int(done), int(total)
    share = 0.0 if total <= 0 else min(max(done / total, 0.0), 1.0)
    width = 100
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="progress-svg" role="img" width="100%" height="8" '
        f'viewBox="0 0 {width} 8" preserveAspectRatio="none" aria-label="{_text(label)}">'
        f'<rect x="0" y="0" width="{width}" height="8" rx="4" fill="{TRACK_COLOUR}"/>'
        f'<rect x="0" y="0" width="{_c(width * share)}" height="8" rx="4" fill="{colour}"/>'
        "</svg>"
    )


# --- a tile map of the States parties -------------------------------------------------------------

# Where each State party's tile sits on a schematic grid, (column, row) from the top left: an approximate
# arrangement by region (the Americas to the left, Europe at the top, Africa below it, Asia to the right),
# drawn by hand for this application from the States' regions and neighbours. It is NOT geographic data —
# the repository holds none — and the map's caption says so. A party the register gains later and this
# table does not place goes into a last row of its own (``tile_map``), so it is never left out.
TILE_POSITIONS: dict[str, tuple[int, int]] = {
    # Europe
    "FI": (7, 0),
    "BE": (5, 1), "DE": (6, 1), "SK": (7, 1),
    "FR": (4, 2), "LU": (5, 2), "SM": (6, 2), "BA": (7, 2), "RS": (8, 2),
    "PT": (3, 3), "ES": (4, 3), "IT": (6, 3), "ME": (7, 3), "AL": (8, 3),
    # Asia
    "AM": (9, 3), "MN": (10, 1), "MV": (10, 6),
    # The Americas
    "SV": (0, 4), "HN": (1, 4), "CR": (1, 5), "VE": (2, 5), "EC": (1, 6), "BO": (2, 6), "AR": (2, 7), "UY": (3, 7),
    # Africa
    "CV": (4, 5), "NE": (6, 5), "CI": (5, 6), "CF": (7, 6), "SS": (8, 6), "GA": (6, 7),
}
TILE = 40  # a tile's side, in viewBox units
TILE_GAP = 3
TILE_FONT = 12
MAP_COLUMNS = 1 + max(column for column, _row in TILE_POSITIONS.values())

# The colour of a tile by number of cases (a sequential scale from the brand's green), each with a text
# colour of at least 4.5:1 against it; every tile has a border of at least 3:1 against the page (WCAG 1.4.11).
# (lowest count of the class, fill, text colour)
TILE_CLASSES: tuple[tuple[int, str, str], ...] = (
    (0, "#f8f9fa", TEXT_COLOUR),
    (1, "#d1e7dd", TEXT_COLOUR),
    (2, "#75b798", TEXT_COLOUR),
    (5, "#146c43", "#ffffff"),
    (10, "#0b3d31", "#ffffff"),
)
TILE_BORDER = "#6c757d"


def tile_class(count: int) -> tuple[int, str, str]:
    """The colour class of a tile with ``count`` cases (the last class whose lowest count it reaches)."""
    found = TILE_CLASSES[0]
    for lowest_class in TILE_CLASSES:
        if count >= lowest_class[0]:
            found = lowest_class
    return found


def tile_map(tiles: Sequence[tuple[str, str, int]], *, title: str, description: str, legend: Sequence[str],
             chart_id: str = "map-states") -> str:
    """A schematic tile map: one labelled square per (ISO code, accessible label, count), at its
    ``TILE_POSITIONS`` place, coloured by ``TILE_CLASSES`` and printing its code and its count — colour is
    never the only carrier. Each tile is an ``role="img"`` group named by ``label`` (e.g. "Spain: 3 cases")
    with the same words as its ``<title>``. ``legend``: one label per colour class, in their order.
    States without a place go, in the order given, into the rows below the grid."""
    cid = _chart_id(title, chart_id)
    step = TILE + TILE_GAP
    rows = 1 + max(row for _column, row in TILE_POSITIONS.values())
    unplaced = [code for code, _label, _count in tiles if code not in TILE_POSITIONS]
    places = dict(TILE_POSITIONS)
    for index, code in enumerate(unplaced):
        places[code] = (index % MAP_COLUMNS, rows + 1 + index // MAP_COLUMNS)
    grid_rows = rows + (1 + -(-len(unplaced) // MAP_COLUMNS) if unplaced else 0)
    body: list[str] = []
    for code, label, count in tiles:
        column, row = places[code]
        x, y = column * step, row * step
        _lowest, fill, ink = tile_class(int(count))
        body.append(
            f'<g role="img" aria-label="{_text(label)}" class="map-tile" data-state="{_text(code)}">'
            f"<title>{_text(label)}</title>"
            f'<rect x="{_c(x)}" y="{_c(y)}" width="{TILE}" height="{TILE}" rx="3" fill="{fill}" '
            f'stroke="{TILE_BORDER}"/>'
            f'<text x="{_c(x + TILE / 2)}" y="{_c(y + 16)}" text-anchor="middle" font-size="{TILE_FONT}" '
            f'font-weight="700" fill="{ink}">{_text(code)}</text>'
            f'<text x="{_c(x + TILE / 2)}" y="{_c(y + 33)}" text-anchor="middle" font-size="{TILE_FONT}" '
            f'fill="{ink}">{_number(count)}</text></g>'
        )
    width = MAP_COLUMNS * step - TILE_GAP
    legend_y = grid_rows * step + 6
    swatch = 14
    for index, ((_lowest, fill, _ink), text) in enumerate(zip(TILE_CLASSES, legend, strict=True)):
        x = (index % 3) * (width / 3)
        y = legend_y + (index // 3) * (swatch + 8)
        body.append(f'<rect x="{_c(x)}" y="{_c(y)}" width="{swatch}" height="{swatch}" fill="{fill}" '
                    f'stroke="{TILE_BORDER}"/>'
                    f'<text x="{_c(x + swatch + 5)}" y="{_c(y + swatch - 2)}" font-size="{TILE_FONT}">'
                    f"{_text(text)}</text>")
    height = legend_y + 2 * (swatch + 8)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart tile-map" role="group" width="100%" '
        f'viewBox="0 0 {_c(width)} {height}" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{cid}-title {cid}-desc" font-size="{TILE_FONT}" fill="{TEXT_COLOUR}">'
        f'<title id="{cid}-title">{_text(title)}</title>'
        f'<desc id="{cid}-desc">{_text(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )

"""Server-drawn SVG charts (caseapp/domain/charts.py): escaped, proportional, accessible, CSP-clean."""

import re
import xml.etree.ElementTree as ET

import pytest

from caseapp.domain import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """The chart as XML: a string that does not parse would not be a well-formed SVG either."""
    return ET.fromstring(svg)  # noqa: S314 — the module's own output, parsed to check it


def bars(root: ET.Element) -> list[float]:
    return [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def test_a_bar_chart_prints_every_label_and_value_as_text():
    root = parse(charts.bar_chart([("Spain", 3), ("Portugal", 1)], title="Cases by State"))
    assert texts(root) == ["Spain", "3", "Portugal", "1"]


def test_the_longest_bar_is_the_largest_value_and_the_others_are_in_proportion():
    root = parse(charts.bar_chart([("a", 2), ("b", 8), ("c", 4), ("d", 0)], title="t"))
    widths = bars(root)
    assert widths[1] == charts.BAR_MAX == max(widths)
    assert widths[0] == pytest.approx(charts.BAR_MAX / 4, abs=0.01)
    assert widths[2] == pytest.approx(charts.BAR_MAX / 2, abs=0.01)
    assert widths[3] == 0


def test_rows_keep_the_order_given():
    root = parse(charts.bar_chart([("first", 1), ("second", 5)], title="t"))
    assert texts(root)[0::2] == ["first", "second"]


@pytest.mark.parametrize("label", ["<script>alert(1)</script>", '"><svg onload=alert(1)>', "R&D 'quoted'"])
def test_labels_and_titles_are_escaped(label):
    svg = charts.bar_chart([(label, 2)], title=label, unit=label)
    assert "<script" not in svg and "<svg onload" not in svg and "'quoted'" not in svg
    assert "&lt;script&gt;" in svg or "&quot;&gt;&lt;svg" in svg or "R&amp;D" in svg
    root = parse(svg)  # still well-formed: the label did not break out of its element or attribute
    assert root.find(f"{SVG}title").text == label
    assert label in root.find(f"{SVG}desc").text
    assert [element.tag for element in root] == [f"{SVG}title", f"{SVG}desc", f"{SVG}text", f"{SVG}rect", f"{SVG}text"]


def test_grouped_labels_and_series_names_are_escaped():
    svg = charts.grouped_bar_chart([("<b>2024</b>", [1])], series=["<i>x</i>"], title="<t>")
    assert "<b>" not in svg and "<i>" not in svg and "<t>" not in svg
    parse(svg)


@pytest.mark.parametrize("rows", [[], [("Spain", 0), ("Portugal", 0)]])
def test_nothing_to_draw_gives_none(rows):
    assert charts.bar_chart(rows, title="Cases by State") is None


def test_it_is_accessible_and_scales():
    svg = charts.bar_chart([("Spain", 3)], title="Cases by State", chart_id="chart-states")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox"))
    assert root.get("aria-labelledby") == "chart-states-title chart-states-desc"
    assert root.find(f"{SVG}title").get("id") == "chart-states-title"
    assert root.find(f"{SVG}desc").text == "Spain: 3"


def test_chart_ids_differ_by_title_and_are_safe():
    assert charts.bar_chart([("a", 1)], title="one") != charts.bar_chart([("a", 1)], title="two")
    root = parse(charts.bar_chart([("a", 1)], title="t", chart_id='x" onload="y'))
    assert root.get("onload") is None
    assert re.fullmatch(r"[\w-]+-title [\w-]+-desc", root.get("aria-labelledby"))


def test_no_style_attribute_or_element_only_presentation_attributes():  # the CSP: style-src 'self'
    outputs = [
        charts.bar_chart([("Spain", 3), ("Portugal", 1)], title="t"),
        charts.grouped_bar_chart([("2024", [1, 2])], series=["a", "b"], title="t"),
        charts.progress_bar(4, 7, label="4 of 7"),
    ]
    for svg in outputs:
        assert not re.search(r"\sstyle\s*=|<style", svg)
        assert "fill=" in svg


def test_long_labels_are_shortened_on_the_chart_but_whole_in_the_description():
    name = "United Kingdom of Great Britain and Northern Ireland and then some more words"
    root = parse(charts.bar_chart([(name, 2)], title="t"))
    text = next(root.iter(f"{SVG}text"))
    assert text.text is None and text[0].tag == f"{SVG}title" and text[0].text == name  # the tooltip
    shown = text[0].tail
    assert shown.endswith(charts.ELLIPSIS) and len(shown) < len(name) and name.startswith(shown[:-1])
    assert name in root.find(f"{SVG}desc").text


def test_the_unit_follows_each_number():
    root = parse(charts.bar_chart([("Spain", 1200)], title="t", unit="cases"))
    assert "1,200 cases" in texts(root)


def test_grouped_bars_share_one_scale_and_keep_each_series_colour():
    root = parse(charts.grouped_bar_chart(
        [("2024", [1, 4, 0]), ("2023", [2, 0, 0]), ("2022", [0, 0, 0])],
        series=["Inadmissible", "Views: violation found", "Discontinued"], title="Decisions"))
    labels = texts(root)
    assert labels == ["2024 (5)", "Inadmissible", "1", "Views: violation found", "4", "2023 (2)", "Inadmissible", "2"]
    rects = list(root.iter(f"{SVG}rect"))
    widths = [float(rect.get("width")) for rect in rects]
    assert widths[1] == max(widths)  # 4, the largest value of all groups
    assert widths[0] == pytest.approx(widths[1] / 4, abs=0.01)
    assert rects[0].get("fill") == rects[2].get("fill") == charts.PALETTE[0]
    assert rects[1].get("fill") == charts.PALETTE[1]
    assert root.find(f"{SVG}desc").text == "2024 — Inadmissible: 1, Views: violation found: 4; 2023 — Inadmissible: 2"


def test_grouped_bars_with_nothing_give_none():
    assert charts.grouped_bar_chart([], series=["a"], title="t") is None
    assert charts.grouped_bar_chart([("2024", [0, 0])], series=["a", "b"], title="t") is None


@pytest.mark.parametrize(("done", "total", "width"), [(4, 7, 57.14), (0, 7, 0), (7, 7, 100), (9, 7, 100), (1, 0, 0)])
def test_progress_bar(done, total, width):
    root = parse(charts.progress_bar(done, total, label="Publicity <checklist>"))
    assert root.get("role") == "img" and root.get("aria-label") == "Publicity <checklist>"
    assert float(list(root.iter(f"{SVG}rect"))[1].get("width")) == pytest.approx(width, abs=0.01)


def test_palette_has_enough_contrast_against_white():  # WCAG 1.4.11: 3:1 for graphics
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour in charts.PALETTE:
        assert (1.05) / (luminance(colour) + 0.05) >= 3, colour
    assert (1.05) / (luminance(charts.TEXT_COLOUR) + 0.05) >= 4.5


# --- the tile map of the States parties (issue 17, point 8) ---------------------------------------------


def contrast(one: str, two: str) -> float:
    """WCAG's contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


LEGEND = ["none", "one", "two to four", "five to nine", "ten or more"]


def test_the_tile_map_has_one_labelled_tile_per_state_with_its_count():
    root = parse(charts.tile_map([("ES", "Spain: 3 cases", 3), ("PT", "Portugal: 0 cases", 0)], title="Map",
                                 description="Spain: 3 cases; Portugal: 0 cases", legend=LEGEND))
    tiles = [g for g in root.iter(f"{SVG}g") if g.get("class") == "map-tile"]
    assert [(g.get("aria-label"), g.get("role"), g.find(f"{SVG}title").text) for g in tiles] == [
        ("Spain: 3 cases", "img", "Spain: 3 cases"), ("Portugal: 0 cases", "img", "Portugal: 0 cases")]
    assert [[t.text for t in g.iter(f"{SVG}text")] for g in tiles] == [["ES", "3"], ["PT", "0"]]
    assert root.get("role") == "group"  # its tiles stay readable one by one


def test_every_state_party_of_the_register_has_a_place_and_no_two_share_one():
    import csv
    from pathlib import Path
    with (Path(charts.__file__).parents[1] / "data" / "op_icescr_states.csv").open(encoding="utf-8") as source:
        parties = {row["iso2"] for row in csv.DictReader(source)}
    assert set(charts.TILE_POSITIONS) == parties
    assert len(set(charts.TILE_POSITIONS.values())) == len(charts.TILE_POSITIONS)


def test_a_state_without_a_place_still_gets_a_tile_below_the_grid():
    root = parse(charts.tile_map([("ES", "Spain: 1 case", 1), ("ZZ", "Newland: 2 cases", 2)], title="Map",
                                 description="", legend=LEGEND))
    rects = {g.get("data-state"): g.find(f"{SVG}rect") for g in root.iter(f"{SVG}g")}
    lowest_row = max(row for _column, row in charts.TILE_POSITIONS.values())
    assert float(rects["ZZ"].get("y")) > lowest_row * (charts.TILE + charts.TILE_GAP)


def test_tile_colours_grow_with_the_cases_and_keep_their_text_readable():
    assert [charts.tile_class(n)[0] for n in (0, 1, 3, 7, 40)] == [0, 1, 2, 5, 10]
    for _lowest, fill, ink in charts.TILE_CLASSES:
        assert contrast(fill, ink) >= 4.5, fill
        assert contrast(fill, charts.TILE_BORDER) >= 1.0
    assert contrast("#ffffff", charts.TILE_BORDER) >= 3  # every tile's border against the page (WCAG 1.4.11)


def test_the_tile_map_escapes_its_labels():
    svg = charts.tile_map([("ES", "<script>x</script>", 1)], title="<b>", description="&", legend=LEGEND)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    parse(svg)

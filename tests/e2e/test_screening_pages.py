"""The screening workspace in a browser (issue 17, points 3 and 4), at 1280 and 360 px: each criterion by
its plain name, missing facts as questions whose links lead to where they are answered, no internal name
and no ISO date anywhere a lawyer reads, and a drafted request for information that starts with the
passed one-year limit."""

import re
from datetime import timedelta

import pytest

from caseapp.domain import roles
from caseapp.domain.report import RemedyInput, UnusedRemedyInput, VictimInput
from caseapp.models.base import utcnow
from tests.e2e.harness import follow, sign_in
from tests.factories import make_organisation, make_user, submit_report

try:
    from playwright.sync_api import expect
except ImportError:  # the ``browser`` fixture skips every test with the reason (and fails them in CI)
    expect = None

SNAKE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def in_view(browsing, page, name: str) -> None:
    """What the screen shows now (not the whole page): at 360 px a full page is too tall to read."""
    browsing.steps += 1
    page.screenshot(path=str(browsing.shots / f"{browsing.steps:02d}-{name}.png"))


@pytest.mark.parametrize("width", [1280, 360])
def test_the_workspace_reads_in_plain_words(browsing, live_server, width):
    app = live_server.app
    partner = make_user(app, roles.PARTNER, make_organisation(f"Barrio Unido {width}"))
    lawyer = make_user(app, roles.LAWYER)
    today = utcnow().date()
    notified = today - timedelta(days=420)  # the one-year limit passed, and no reason for lateness recorded
    case, _vault = submit_report(
        app, partner.user, notified=notified, author_is_victim="unknown", acting_on_behalf="yes",
        victims=[VictimInput(name="Ana", consent="yes")],
        remedies=[RemedyInput(body="Audiencia Provincial", kind="appeal", filed=notified - timedelta(days=200),
                              decided=notified - timedelta(days=10), notified=notified, outcome="partly_granted",
                              final="yes", addressed_substance="yes")],
        unused_remedies=[UnusedRemedyInput(name="Amparo", reason="unreasonably_prolonged")],
    )

    law = browsing.person("lawyer", width=width)
    sign_in(law, lawyer)
    law.goto(f"/screening/{case.uuid}")
    assessment = law.locator("#assessment")
    expect(assessment.get_by_text("Art. 3(2)(a) — one-year time limit")).to_be_visible()
    expect(assessment.get_by_text("Art. 1 — State party to the Protocol")).to_be_visible()
    seen = assessment.inner_text() + law.locator("section[aria-labelledby=facts-heading]").inner_text()
    assert not SNAKE.findall(seen), SNAKE.findall(seen)
    assert not ISO_DAY.findall(seen), ISO_DAY.findall(seen)
    assert "Missing:" not in seen
    browsing.step(law, f"workspace-{width}")

    # A question under a met criterion says why it matters, and its link leads to the report's victims.
    art2 = law.locator("#criterion-art2")
    expect(art2.get_by_text("Met on what is recorded. Still worth answering")).to_be_visible()
    art2.get_by_role("link", name="Is the author the victim, or authorised by the victim?").click()
    expect(law).to_have_url(re.compile(r"#report-victims$"))
    expect(law.locator("#report-victims")).to_be_in_viewport()
    in_view(browsing, law, f"link-followed-to-the-victims-{width}")
    for criterion in ("art1", "art3_2_a", "art3_2_e"):
        law.locator(f"#criterion-{criterion}").scroll_into_view_if_needed()
        law.evaluate("window.scrollBy(0, -60)")
        in_view(browsing, law, f"criterion-{criterion}-{width}")
    law.locator("#criterion-art2").scroll_into_view_if_needed()
    browsing.step(law, f"criteria-{width}")

    # The drafted request starts with what blocks the communication: the passed one-year limit.
    follow(law.get_by_role("link", name="Request information"))
    draft = law.get_by_label("Request to the partner").input_value()
    assert draft.index("1. Art. 3(2)(a) — one-year time limit (not met as reported)") \
        < draft.index("Then, to complete the file:")
    assert not SNAKE.findall(draft) and not ISO_DAY.findall(draft)
    browsing.step(law, f"request-{width}")

    # No page scrolls sideways at this width.
    for path in (f"/screening/{case.uuid}", f"/screening/{case.uuid}/assessment"):
        law.goto(path)
        assert law.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    browsing.step(law, f"assessment-form-{width}")
    browsing.assert_clean()

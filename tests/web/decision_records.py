"""Cases with a Committee decision, for the public decisions page and the exports' tests.

Written straight into the clear columns of ``Case`` and ``Communication`` (the tracking services are
tested on their own); the case itself, with its encrypted title and victim, goes through
``tests.factories.make_case``.
"""

from datetime import date, datetime, timedelta
from uuid import uuid4

from caseapp.core.extensions import db
from caseapp.domain.report import VictimInput
from caseapp.models import Communication
from caseapp.models.base import utcnow
from tests.factories import make_case


def decided_case(app, organisation, *, title: str = "A title", victim_name: str = "Ana Pérez", state: str = "ES",
                 rights: tuple[str, ...] = ("11(1)",), decision_type: str = "views_violation",
                 adopted_on: date | None = date(2026, 3, 12), transmitted_on: date | None = None,
                 articles_violated: tuple[str, ...] = ("11(1)",), un_symbol: str | None = "E/C.12/77/D/1/2024",
                 communication_number: str | None = "1/2024", summary: str | None = "A published summary.",
                 links: tuple[str, ...] = (), published: bool = True, published_at: datetime | None = None,
                 identity_consented: bool = False, victim_names: str | None = None):
    """A submitted case of ``organisation`` at the decided stage, with its communication; published
    (``published_at`` set) unless ``published`` is False. Returns (case, communication)."""
    case, _document = make_case(app, organisation, submit=True, title=title, victim=VictimInput(name=victim_name))
    case.state_code = state
    case.set_rights_invoked(rights)
    case.stage = "decided"
    communication = Communication(
        uuid=uuid4(), case_id=case.id, communication_number=communication_number, un_symbol=un_symbol,
        submitted_on=date(2024, 1, 10), registered_on=date(2024, 2, 1), decision_type=decision_type,
        decision_adopted_on=adopted_on, decision_transmitted_on=transmitted_on,
        articles_violated=list(articles_violated), public_summary=summary, public_links=list(links),
        publish_victim_identity=identity_consented, public_victim_names=victim_names,
        published_at=(published_at or utcnow() - timedelta(minutes=1)) if published else None,
    )
    db.session.add(communication)
    db.session.commit()
    return case, communication

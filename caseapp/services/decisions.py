"""Published decisions, for the public page and its Atom feed (issue 6, item 7).

Clear columns only, by construction: the queries here select the named columns in ``PUBLIC_COLUMNS``
and nothing else — no model object is loaded, no case vault is opened, no ``*_encrypted`` column, case
reference (``ESCR-…``, internal), organisation or victim row is read. What the page and the feed show is
exactly what a coordinator wrote for publication (``public_summary``, ``public_links``, and victims'
names only with ``publish_victim_identity``) plus codes and dates of the Committee's decision, so
neither can leak the confidential file, whoever asks. Only communications with ``published_at`` set
are ever returned.
"""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from flask_babel import gettext
from sqlalchemy import Select, String, cast, select
from sqlalchemy.orm import Session

from caseapp.domain import covenant, publication
from caseapp.domain.committee import DECISION_TYPES
from caseapp.models import Case, Communication
from caseapp.services import state_names

FEED_SIZE = 50

PUBLIC_COLUMNS = (
    Communication.uuid,
    Communication.public_summary,
    Communication.public_links,
    Communication.publish_victim_identity,
    Communication.public_victim_names,
    Communication.published_at,
    Communication.decision_type,
    Communication.decision_adopted_on,
    Communication.articles_violated,
    Communication.un_symbol,
    Case.state_code,
    Case.rights_invoked,
)
_OUTCOMES = dict(DECISION_TYPES)


@dataclass(frozen=True)
class Link:
    url: str
    clickable: bool  # an absolute http(s) URL; anything else is shown as text only


@dataclass(frozen=True)
class PublicDecision:
    uuid: UUID
    state_code: str | None
    state: str | None
    rights: tuple[str, ...]  # labels, in the order invoked
    outcome: str | None  # the decision type's label
    articles_violated: tuple[str, ...]
    adopted_on: date | None
    un_symbol: str | None
    summary: str
    links: tuple[Link, ...]
    victim_names: str | None  # only when the victims consented to publication and names were given
    published_at: datetime

    @property
    def urn(self) -> str:
        """The Atom entry id: stable for the life of the communication."""
        return self.uuid.urn


def published(*, state: str | None = None, right: str | None = None) -> Select:
    """The published decisions, newest decision first, filtered by a State code and a right code
    (both already checked against the register and the Covenant catalogue by the caller)."""
    query = (select(*PUBLIC_COLUMNS).join(Case, Case.id == Communication.case_id)
             .where(Communication.published_at.is_not(None)))
    if state:
        query = query.where(Case.state_code == state)
    if right:
        # Rights are a JSON list of article references; a quoted code matches one element whole.
        query = query.where(cast(Case.rights_invoked, String).like(f'%"{right}"%'))
    return query.order_by(Communication.decision_adopted_on.is_(None), Communication.decision_adopted_on.desc(),
                          Communication.published_at.desc(), Communication.id.desc())


def published_states(session: Session) -> list[tuple[str, str]]:
    """(code, name) of the States with a published decision, by name, for the page's filter."""
    codes = session.execute(select(Case.state_code).distinct().join(Communication, Communication.case_id == Case.id)
                            .where(Communication.published_at.is_not(None), Case.state_code.is_not(None))).scalars()
    return sorted(((code, state_names.name(code) or code) for code in codes), key=lambda pair: pair[1])


def latest(session: Session, limit: int = FEED_SIZE) -> list[PublicDecision]:
    return [to_public(row) for row in session.execute(published().limit(limit))]


def to_public(row) -> PublicDecision:
    """A row of ``published()`` as the page and the feed show it."""
    names = (row.public_victim_names or "").strip()
    return PublicDecision(
        uuid=row.uuid,
        state_code=row.state_code,
        state=state_names.name(row.state_code) or row.state_code,
        rights=tuple(gettext(covenant.label(code)) for code in row.rights_invoked or ()),
        outcome=gettext(_OUTCOMES[row.decision_type]) if row.decision_type in _OUTCOMES else row.decision_type,
        articles_violated=tuple(row.articles_violated or ()),
        adopted_on=row.decision_adopted_on,
        un_symbol=row.un_symbol,
        summary=row.public_summary or "",
        links=tuple(Link(url, publication.is_web_link(url)) for url in row.public_links or () if url),
        victim_names=names if row.publish_victim_identity and names else None,
        published_at=row.published_at,
    )

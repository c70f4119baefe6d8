"""Finding the reports that name a victim, through the victims' blind index (CRY-07).

The name typed is normalised and indexed like the stored names; the index finds the candidates without
decrypting anything, and each candidate's victim names are then decrypted and compared again, since a
truncated index can collide. Only submitted reports the user may see are searched (AC-03).
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.crypto import Keyring
from caseapp.crypto.blind_index import BlindIndexer, normalise_name
from caseapp.models import Case, User, Victim
from caseapp.services.cases import visible_cases
from caseapp.services.vault import open_vault

MAX_RESULTS = 50


@dataclass
class VictimHit:
    case: Case
    title: str
    names: list[str]  # the case's victims whose name is the one searched for, as the partner wrote it


def find_by_victim_name(session: Session, keyring: Keyring, indexer: BlindIndexer, user: User, name: str, *,
                        limit: int = MAX_RESULTS) -> list[VictimHit]:
    """The submitted reports ``user`` may see that name a victim called ``name`` (normalised), newest
    first, at most ``limit``."""
    wanted = normalise_name(name)
    index = indexer.index("victim_name", name) if wanted else None
    if index is None:
        return []
    candidates = session.execute(
        visible_cases(user).where(Case.reference.is_not(None),
                                  Case.id.in_(select(Victim.case_id).where(Victim.name_index == index)))
        .order_by(Case.submitted_at.desc(), Case.id.desc())
    ).scalars()
    hits = []
    for case in candidates:
        vault = open_vault(session, keyring, case)
        names = [text for victim in case.victims if victim.name_index == index
                 and normalise_name(text := vault.get(victim, "name") or "") == wanted]
        if names:  # a collision of the truncated index is not a match
            hits.append(VictimHit(case, vault.get(case, "title") or "", names))
            if len(hits) == limit:
                break
    return hits

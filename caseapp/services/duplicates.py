"""Duplicates: other submitted reports, from any organisation, naming one of a case's victims.

Candidates are found by the blind indexes of the victims' names and identity numbers and each is
re-checked on the decrypted values (CRY-07), since a truncated index can collide. The check runs when a
report is written — submitted, or sent back with its victims changed — and its result is stored both ways
in ``case_duplicates`` (``record``), so that a list reads a page's flags with one query (``flags_of``)
instead of decrypting every candidate of every row on every view (issue 20). Cases submitted before the
table existed are checked on the fly until `flask duplicates record` has stored theirs.

Only lawyers see duplicates: a partner must never learn that another organisation reported the same person.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session, load_only, selectinload

from caseapp.crypto import Keyring
from caseapp.crypto.blind_index import normalise_identifier, normalise_name
from caseapp.models import Case, CaseDuplicate, Victim
from caseapp.services.vault import CaseVault, open_vaults

NAME, IDENTITY_NUMBER = "name", "identity number"


@dataclass(frozen=True)
class DuplicateHint:
    case_id: int  # the other report's
    reference: str
    matched_on: str  # NAME or IDENTITY_NUMBER


def _identities(vault: CaseVault, victims) -> dict[str, set[str]]:
    return {
        NAME: {normalise_name(vault.get(v, "name") or "") for v in victims} - {""},
        IDENTITY_NUMBER: {normalise_identifier(vault.get(v, "identity_number") or "") for v in victims} - {""},
    }


def find(session: Session, keyring: Keyring, vaults: list[CaseVault]) -> dict[int, list[DuplicateHint]]:
    """The duplicates of many cases at once, checked now, by case id, in a few queries: one for the
    candidates of all of them, one for the candidates' victims and one for their keys. Only the cases that
    have candidates, and the candidates, are decrypted. The cases' victims must be loaded (or loadable)."""
    indexes = {vault.case.id: ({v.name_index for v in vault.case.victims if v.name_index},
                               {v.identity_number_index for v in vault.case.victims if v.identity_number_index})
               for vault in vaults}
    found: dict[int, list[DuplicateHint]] = {case_id: [] for case_id in indexes}
    names = set().union(*(pair[0] for pair in indexes.values()))
    numbers = set().union(*(pair[1] for pair in indexes.values()))
    if not names and not numbers:
        return found
    rows = session.execute(
        select(Victim.case_id, Case.reference, Victim.name_index, Victim.identity_number_index)
        .join(Case, Case.id == Victim.case_id)
        .where(Case.reference.is_not(None),
               or_(Victim.name_index.in_(names), Victim.identity_number_index.in_(numbers)))
    ).all()
    candidates: dict[int, dict[int, str]] = {}
    for case_id, (mine_names, mine_numbers) in indexes.items():
        for other_id, reference, name_index, number_index in rows:
            if other_id != case_id and (name_index in mine_names or number_index in mine_numbers):
                candidates.setdefault(case_id, {})[other_id] = reference
    if not candidates:
        return found
    other_ids = set().union(*(set(others) for others in candidates.values()))
    # Only what the check reads: the candidates' ids (for their keys) and their victims' names and numbers.
    others = session.execute(
        select(Case).where(Case.id.in_(other_ids)).options(
            load_only(Case.id, Case.uuid, Case.reference),
            selectinload(Case.victims).load_only(Victim.uuid, Victim.name_encrypted, Victim.identity_number_encrypted))
    ).scalars().all()
    theirs = {case_id: _identities(other_vault, other_vault.case.victims)
              for case_id, other_vault in open_vaults(session, keyring, others).items()}
    by_id = {vault.case.id: vault for vault in vaults}
    for case_id, references in candidates.items():
        mine = _identities(by_id[case_id], by_id[case_id].case.victims)
        for other_id, reference in sorted(references.items(), key=lambda item: item[1]):
            for kind in (IDENTITY_NUMBER, NAME):
                if mine[kind] & theirs[other_id][kind]:
                    found[case_id].append(DuplicateHint(other_id, reference, kind))
                    break
    return found


def record(session: Session, keyring: Keyring, vaults: list[CaseVault]) -> None:
    """Check the cases' duplicates now and store them, both ways, replacing what was stored about these
    cases. Called when a report is submitted or its victims change,
    in the same transaction, and by `flask duplicates record`."""
    ids = [vault.case.id for vault in vaults]
    session.flush()  # the victims just written are what the check reads
    session.execute(delete(CaseDuplicate).where(or_(CaseDuplicate.case_id.in_(ids),
                                                    CaseDuplicate.other_case_id.in_(ids))))
    pairs: dict[tuple[int, int], str] = {}
    for case_id, hints in find(session, keyring, vaults).items():
        for hint in hints:
            pairs[(case_id, hint.case_id)] = pairs[(hint.case_id, case_id)] = hint.matched_on
    if pairs:
        session.execute(insert(CaseDuplicate), [{"case_id": mine, "other_case_id": other, "matched_on": matched_on}
                                                for (mine, other), matched_on in pairs.items()])
    for vault in vaults:
        vault.case.duplicates_checked = True


def flags_of(session: Session, keyring: Keyring, vaults: list[CaseVault]) -> dict[int, list[DuplicateHint]]:
    """The duplicates of the cases on a page, by case id, ordered by reference: the stored ones in one
    query; cases not yet checked (submitted before the table existed) are checked now, their victims read
    in one more query."""
    checked = [vault.case.id for vault in vaults if vault.case.duplicates_checked]
    found: dict[int, list[DuplicateHint]] = {case_id: [] for case_id in checked}
    if checked:
        rows = session.execute(
            select(CaseDuplicate.case_id, CaseDuplicate.other_case_id, Case.reference, CaseDuplicate.matched_on)
            .join(Case, Case.id == CaseDuplicate.other_case_id)
            .where(CaseDuplicate.case_id.in_(checked))
            .order_by(Case.reference)
        ).all()
        for case_id, other_id, reference, matched_on in rows:
            found[case_id].append(DuplicateHint(other_id, reference, matched_on))
    unchecked = [vault for vault in vaults if not vault.case.duplicates_checked]
    if unchecked:
        session.execute(select(Case).where(Case.id.in_([vault.case.id for vault in unchecked]))
                        .options(selectinload(Case.victims))).scalars().all()
        found.update(find(session, keyring, unchecked))
    return found


def unchecked_ids(session: Session, *, everything: bool = False) -> list[int]:
    """The submitted cases `flask duplicates record` has to check: those not yet checked (or all)."""
    query = select(Case.id).where(Case.reference.is_not(None)).order_by(Case.id)
    if not everything:
        query = query.where(Case.duplicates_checked.is_(False))
    return list(session.execute(query).scalars())


def record_in_batches(session: Session, keyring: Keyring, case_ids: Iterable[int], *, batch: int = 500,
                      commit: Callable[[], None], progress: Callable[[int], None] = lambda done: None) -> None:
    """``record`` for many cases, ``batch`` at a time, each batch in its own transaction (``commit``), so
    an interrupted run keeps what it did and the next run goes on from there."""
    ids = list(case_ids)
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        cases = session.execute(select(Case).where(Case.id.in_(chunk)).options(selectinload(Case.victims))
                                ).scalars().all()
        record(session, keyring, list(open_vaults(session, keyring, cases).values()))
        commit()  # the identity map holds its objects weakly: committed batches are freed as the run goes
        progress(len(chunk))


def pair_count(session: Session) -> int:
    """How many pairs of reports are flagged as possible duplicates (each is stored both ways)."""
    return session.execute(select(func.count()).select_from(CaseDuplicate)).scalar_one() // 2

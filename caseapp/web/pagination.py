"""Pagination of the list pages: the page number read from the query string (``page_number``), the
database's pages (``paginate``) and pages a service cut and counted itself (``CountedPagination``).

Every paginated page reads its page number through ``page_number``: a number that is not a whole
number from 1 to ``MAX_PAGE`` (zero, negative, a word, or one too large for the database's offset) is
answered with the app's 400 page, never a 500 (IN-01). A page past the last one is still a page.
"""

from collections.abc import Sequence
from typing import Any

from flask import abort, request
from flask_sqlalchemy.pagination import Pagination

from caseapp.core.extensions import db

MAX_PAGE = 1_000_000  # far past any last page: only a bound on what is parsed and sent as an offset


def page_number(arg: str = "page") -> int:
    """The page the query string asks for (1 when it names none); a 400 when it is out of range or
    malformed. Only ASCII digits: ``int()`` would also take signs, spaces, underscores and other
    scripts' digits."""
    raw = request.args.get(arg, "")
    if not raw:
        return 1
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(MAX_PAGE)) or not 1 <= int(raw) <= MAX_PAGE:
        abort(400)
    return int(raw)


def paginate(select, *, per_page: int, arg: str = "page") -> Pagination:
    """``db.paginate`` of ``select`` at the page the query string asks for (see ``page_number``)."""
    return db.paginate(select, page=page_number(arg), per_page=per_page, error_out=False)


class CountedPagination(Pagination):
    """One page of rows a service cut and counted in the database (``items`` out of ``total``, or out of
    more than ``total`` when ``more``), as the same object ``db.paginate`` gives, so
    ``templates/_macros/pagination.html`` renders it: for the pages whose query is not a plain select of one
    model (the deadlines: a case's reference beside each deadline) or that count only so far (the queue)."""

    def __init__(self, items: Sequence[Any], *, total: int, page: int, per_page: int, more: bool = False):
        super().__init__(page=page, per_page=per_page, max_per_page=None, error_out=False, items=items, total=total)
        self.more = more  # there are more than ``total``: the list was counted that far only

    def _query_items(self) -> list[Any]:
        return list(self._query_args["items"])

    def _query_count(self) -> int:
        return self._query_args["total"]

"""Pagination of a list already in memory, for the pages whose rows are computed in Python after the
query (the deadlines: due dates come from the domain's rules, not from a column). The same object as
``db.paginate`` gives, so ``templates/_macros/pagination.html`` renders it."""

from collections.abc import Sequence
from typing import Any

from flask_sqlalchemy.pagination import Pagination


class ListPagination(Pagination):
    """One page of ``rows``. A page past the end shows the last page (the first when there are none)."""

    def __init__(self, rows: Sequence[Any], *, page: int, per_page: int):
        last = max(1, -(-len(rows) // per_page))
        super().__init__(page=min(max(page, 1), last), per_page=per_page, max_per_page=None, error_out=False,
                         rows=rows)

    def _query_items(self) -> list[Any]:
        rows = self._query_args["rows"]
        return list(rows[self._query_offset:self._query_offset + self.per_page])

    def _query_count(self) -> int:
        return len(self._query_args["rows"])

"""The order of a list page, read from the query string (``?sort=…&dir=…``) like the list's filters
(issue 17, point 6): a column's key from the page's own whitelist and a direction. A key or direction
the page does not offer is answered with the app's 400 page, as a filter's unknown value is (IN-01);
no name from the URL ever reaches SQL — each page maps its keys to its own columns.

``sort_url`` builds a header's link: the same page and filters, that column's order, back to the first
page; ``templates/_macros/table.html`` draws the header with ``aria-sort``.
"""

from dataclasses import dataclass

from flask import abort, request, url_for

ASCENDING = "asc"
DESCENDING = "desc"
DIRECTIONS = (ASCENDING, DESCENDING)
# The page-number parameters a new order starts again from (the deadlines page has two lists).
PAGE_ARGS = ("page", "overdue_page")


@dataclass(frozen=True)
class Sorting:
    """The order a list is shown in: ``key`` (one of the page's) and ``direction``; ``defaults`` maps
    every key the page offers to the direction a first click on its header gives."""

    key: str
    direction: str
    defaults: dict[str, str]

    @property
    def descending(self) -> bool:
        return self.direction == DESCENDING

    def aria_sort(self, key: str) -> str:
        """The header's ``aria-sort``: "ascending"/"descending" on the sorted column, "none" elsewhere."""
        if key != self.key:
            return "none"
        return "descending" if self.descending else "ascending"

    def next_direction(self, key: str) -> str:
        """Where a click on ``key``'s header goes: the other direction on the sorted column, else its default."""
        if key == self.key:
            return ASCENDING if self.descending else DESCENDING
        return self.defaults[key]


def read_sorting(defaults: dict[str, str], default_key: str, args=None) -> Sorting:
    """The order the query string asks for, among ``defaults``' keys (``default_key`` when it names none;
    the key's own default direction when no ``dir`` is given); a 400 for anything else."""
    args = request.args if args is None else args
    key = args.get("sort") or default_key
    if key not in defaults:
        abort(400)
    direction = args.get("dir") or defaults[key]
    if direction not in DIRECTIONS:
        abort(400)
    return Sorting(key, direction, defaults)


def sort_url(sorting: Sorting, key: str) -> str:
    """This page's URL ordered by ``key`` (see ``Sorting.next_direction``), keeping the filters and
    starting again at the first page."""
    args = {name: value for name, value in request.args.items() if name not in PAGE_ARGS}
    args["sort"], args["dir"] = key, sorting.next_direction(key)
    return url_for(request.endpoint, **(request.view_args or {}), **args)

"""What gunicorn serves in the load benchmark: the app exactly as ``wsgi.py`` builds it (its start-up
self-test included), plus one trivial route, ``GET /bench/trivial``, the baseline every page is
compared with (DESIGN.md §7: "side by side with a trivial route of the same app").

The trivial route answers ``ok`` as plain text and touches neither the database nor the keys, but it
goes through everything every request goes through: the session interface, the request hooks (the
deny-by-default policy, for which it gets a policy entry here, in this process only), the security
headers and the error handling. So a page's ratio to it is what the page's own work costs.
"""

from flask import Response

import wsgi
from caseapp.domain import permissions

TRIVIAL_PATH = "/bench/trivial"
TRIVIAL_ENDPOINT = "bench_trivial"

app = wsgi.app
permissions.ENDPOINT_POLICY[TRIVIAL_ENDPOINT] = {"GET": permissions.PUBLIC}


def trivial() -> Response:
    return Response("ok\n", mimetype="text/plain")


app.add_url_rule(TRIVIAL_PATH, TRIVIAL_ENDPOINT, trivial)

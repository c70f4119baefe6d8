"""Bootstrap's stylesheet served without its inline ``data:`` icons.

Bootstrap-Flask ships Bootstrap's CSS with 23 icons inlined as ``url("data:image/svg+xml,…")``; the CSP
(``img-src 'self'``, HDR-01) refuses them. ``static/css/app.css`` points every icon the app shows at a
file in ``static/img``, but a browser that computes styles before app.css has arrived still tries the
inline ones and logs a CSP violation for each. Serving the stylesheet without them removes the cause.
"""

import re
from functools import lru_cache
from pathlib import Path

import flask_bootstrap

BOOTSTRAP_CSS = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5" / "css" / "bootstrap.min.css"
_INLINE_IMAGE = re.compile(r'url\("data:[^"]*"\)')


def without_inline_images(css: str) -> str:
    return _INLINE_IMAGE.sub("none", css)


@lru_cache(maxsize=1)
def bootstrap_css() -> bytes:
    return without_inline_images(BOOTSTRAP_CSS.read_text(encoding="utf-8")).encode()

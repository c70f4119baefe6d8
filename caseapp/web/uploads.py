"""Uploads never reach the disk in plaintext (UP-06), and only upload routes may send a large body (UP-02).

Werkzeug spools a large multipart upload into a plain temporary file before the view runs. This
request class hands it an ``EncryptedSpool`` instead: the bytes on disk are AES-GCM ciphertext under
a key that exists only in this process's memory, and vanish with the request.

It also chooses how many bytes a request may send before anything reads it: ``MAX_CONTENT_LENGTH``
only for a multipart body sent to a view marked ``@accepts_uploads``; ``API_MAX_JSON_SIZE`` for any
other body under ``/api/``; ``MAX_FORM_BYTES`` for every other body. Werkzeug checks the limit against
``Content-Length`` before reading, and stops a body sent without one (chunked) once it passes the limit:
either way a 413, before the CSRF check, the sign-in or the view parse anything (a url-encoded form is
read into memory whole, so this is the only bound on it).
"""

from collections.abc import Callable

from flask import Request, current_app

from caseapp.crypto.spool import EncryptedSpool
from caseapp.web.errors import API_PATH_PREFIX

UPLOAD_MIMETYPE = "multipart/form-data"


def accepts_uploads(view: Callable) -> Callable:
    """Marks a view whose multipart requests carry files: they keep ``MAX_CONTENT_LENGTH``. Put it right
    under the route decorator, so the function the URL map holds carries the mark."""
    view.accepts_uploads = True
    return view


class EncryptedUploadRequest(Request):
    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        return EncryptedSpool(directory=current_app.config.get("UPLOAD_SPOOL_DIR"))

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None:  # set by a view, e.g. the API's JSON body
            return self._max_content_length
        if not current_app:
            return super().max_content_length
        config = current_app.config
        view = current_app.view_functions.get(self.endpoint) if self.endpoint else None
        if self.mimetype == UPLOAD_MIMETYPE and getattr(view, "accepts_uploads", False):
            return config["MAX_CONTENT_LENGTH"]
        if self.path.startswith(API_PATH_PREFIX):
            return config["API_MAX_JSON_SIZE"]
        return config["MAX_FORM_BYTES"]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

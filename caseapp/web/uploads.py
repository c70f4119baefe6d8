"""Uploads never reach the disk in plaintext (UP-06).

Werkzeug spools a large multipart upload into a plain temporary file before the view runs. This
request class hands it an ``EncryptedSpool`` instead: the bytes on disk are AES-GCM ciphertext under
a key that exists only in this process's memory, and vanish with the request.
"""

from flask import Request, current_app

from caseapp.crypto.spool import EncryptedSpool


class EncryptedUploadRequest(Request):
    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        return EncryptedSpool(directory=current_app.config.get("UPLOAD_SPOOL_DIR"))

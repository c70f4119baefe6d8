"""Development only (``MAIL_SEND_AFTER_REQUEST``): after a request that changed something, the messages it
caused are written to the outbox folder at once, so that someone trying the app with ``make run`` finds
them in ``instance/mail-outbox`` without running ``flask notify send``. Never with a real mail server:
there, sending belongs to the scheduled command, outside any request."""

import logging

from flask import Flask, current_app, request

from caseapp.core.database import SAFE_METHODS, writing
from caseapp.core.extensions import db
from caseapp.core.mail import FolderTransport, MailError, transport_from_config
from caseapp.services import notifications

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    if not app.config.get("MAIL_SEND_AFTER_REQUEST") or app.config.get("MAIL_SERVER"):
        return

    @app.after_request
    def send_outbox(response):
        if request.method in SAFE_METHODS or response.status_code >= 400:
            return response
        transport = transport_from_config(current_app.config, current_app.instance_path)
        if not isinstance(transport, FolderTransport):
            return response
        try:
            db.session.rollback()
            with writing():
                notifications.deliver_pending(db.session, transport,
                                              notifications.settings_from_config(current_app.config), limit=50)
        except MailError as error:  # the folder cannot be written: the scheduled command will say so
            log.warning("mail.outbox_folder_unwritable", extra={"error": error.code})
        return response

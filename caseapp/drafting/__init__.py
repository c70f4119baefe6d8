"""Drafting: the documents a case needs — the communication and its annexes, the request for interim
measures, the comments on the State's follow-up, the press release — filled from the record, for the case
team (issue 19). The blueprint is defined in ``routes`` and re-exported here."""

from caseapp.drafting.routes import bp

__all__ = ["bp"]

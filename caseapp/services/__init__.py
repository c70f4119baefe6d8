"""Use cases. Plain functions taking the database session explicitly; they flush, never commit."""


class ServiceError(Exception):
    """A request the rules refuse; the message is safe to show to the user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


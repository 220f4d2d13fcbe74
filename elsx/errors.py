"""Errors the API raises; handlers and views turn them into 4xx responses."""


class ElsxError(Exception):
    status = 400

    def __init__(self, message, field=None, **extra):
        super().__init__(message)
        self.message = str(message)
        self.field = field
        self.extra = extra

    def as_dict(self):
        data = {"error": self.message}
        if self.field:
            data["field"] = self.field
        data.update(self.extra)
        return data


class InvalidInput(ElsxError):
    status = 400


class NotAllowed(ElsxError):
    status = 403


class NotFound(ElsxError):
    status = 404


class Conflict(ElsxError):
    status = 409


class Unavailable(ElsxError):
    """A dependency (database, storage, renderer) failed; safe to retry."""
    status = 503

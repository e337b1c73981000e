"""Domain errors: a stable machine code and a message a person can act on."""


class DomainError(Exception):
    """A refused action. `code` is stable for API clients; `message` is for people."""

    code = "refused"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or []


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 403


class InvalidTransition(DomainError):
    code = "invalid_state"
    status = 409


class DeadlinePassed(DomainError):
    code = "deadline_passed"
    status = 409


class RuleFailed(DomainError):
    """A published rule (weights, social value minimum, ...) is not met."""

    code = "rule_failed"
    status = 422

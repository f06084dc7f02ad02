"""Errors the services raise for input a person can correct; routes and the CLI turn them into messages."""


class NotFound(LookupError):
    """A round, municipality, unit or area that does not exist."""


class InvalidInput(ValueError):
    """Input that breaks a rule; the message says which value and why."""

"""The one error type services raise when a business rule blocks an action."""

from django.utils.functional import Promise


class BusinessRuleError(Exception):
    """A rule of the business blocks the action; the message is translatable and shown to the user.

    Views show it as a form error; the API answers with `status_code` (409 by default, 400 for input
    that is well-formed but not acceptable) and the `code`.
    """

    def __init__(
        self, message: str | Promise, *, code: str = "business_rule", status_code: int = 409
    ):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.status_code = status_code

    def __str__(self) -> str:
        return str(self.message)

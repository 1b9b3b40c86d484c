"""The one exception type for input a user can get wrong."""


class InputError(ValueError):
    """Bad input: the message is one line, Chinese then English, naming the
    column, row or value and the fix."""

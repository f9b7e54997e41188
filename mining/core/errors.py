"""Error types that cross module boundaries.

`UserError` is bad input from a person (a flag, a file, a name): the CLI prints its message and
exits non-zero without a traceback; activities turn it into a non-retryable failure.
"""


class UserError(ValueError):
    """Bad input. The message names the bad value and what is allowed."""

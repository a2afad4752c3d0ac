"""The exception tree. Bad items are `Skip` records, not exceptions; these are for whole-run failures.

    SahelwatchError
    ├── ConfigError    a settings, feeds or rules file is missing or wrong
    ├── FetchError     a network call failed (used inside the HTTP layer, turned into Skips)
    ├── StorageError   the database cannot be opened or written (e.g. locked by another process)
    └── AlertError     an alert channel is misconfigured

The CLI prints an expected error as one line and exits non-zero, without a traceback.
"""


class SahelwatchError(Exception):
    """Base of every error sahelwatch raises on purpose."""


class ConfigError(SahelwatchError):
    """A settings, feeds or rules file is missing or wrong."""


class FetchError(SahelwatchError):
    """A network call failed."""


class StorageError(SahelwatchError):
    """The database cannot be opened or written."""


class AlertError(SahelwatchError):
    """An alert channel or rule is misconfigured."""

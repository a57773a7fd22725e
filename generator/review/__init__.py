"""`tthc review`: the semantic diff and cross-check table of a change, for its reviewer."""

from .report import Review, review_change
from .revisions import ReviewError

__all__ = ["Review", "ReviewError", "review_change"]

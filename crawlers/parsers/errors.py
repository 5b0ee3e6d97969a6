"""The one error every parser raises when a body cannot be read."""

from __future__ import annotations


class ParseError(ValueError):
    """A response body that is malformed, truncated or not the document type expected."""

"""The review's search strategy and what each source is asked.

`Query` holds the strategy as the reviewer wrote it; a connector's `translate` turns it into
request parameters and says, in `Translation.notes`, what it could not express exactly.
"""

from harvester.query.model import Query, Translation

__all__ = ["Query", "Translation"]

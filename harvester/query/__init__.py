"""The review's search strategy and what each source is asked.

`Query` holds the strategy as the reviewer wrote it and, as `Query.ast`, the tree `parse` reads
from it (docs/query-language.md). A connector's dialect (`harvester.query.dialects`) turns it
into request parameters and says, in `Translation.notes`, what it could not express exactly;
`harvester.query.local_filter` then applies the exact strategy to what such a source returns.
"""

from harvester.query.model import Query, Translation
from harvester.query.parser import QuerySyntaxError, parse

__all__ = ["Query", "QuerySyntaxError", "Translation", "parse"]

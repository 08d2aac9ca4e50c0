"""File sources: database exports (Scopus, Web of Science, Embase, Garuda by hand) imported
into a review as sources of their own, one search per file."""

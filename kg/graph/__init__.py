"""The knowledge graph: resolve many files' mentions into one typed graph; find, export, summarise it."""

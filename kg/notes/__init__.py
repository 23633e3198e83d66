"""Reading notes: one Markdown file, BibTeX file or glossary at a time -> records."""

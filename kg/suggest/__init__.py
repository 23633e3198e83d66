"""Suggestions from saved embeddings with NumPy only: scoring, reasons, related works, the index."""

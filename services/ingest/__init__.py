"""Ingest: signed tickets over HTTP in, ``tickets.raw.v1`` out."""

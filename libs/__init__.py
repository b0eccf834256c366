"""Shared runtime for every service: mechanics only, no business logic."""

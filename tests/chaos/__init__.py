"""Delivery proven under crashes: ``make chaos`` (``python -m tests.chaos``) and its small test."""

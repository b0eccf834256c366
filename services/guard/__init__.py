"""Input guard: screens raw tickets before any LLM sees them.

``tickets.raw.v1`` -> ``tickets.guarded.v1`` (pass/flag, PII redacted) or
``tickets.blocked.v1``. The decision logic is :class:`services.guard.engine.GuardEngine`;
importing this package does not import faust.
"""

"""Agent stage: triages guarded tickets (category, urgency, facts, draft, actions).

The triager behind it is pluggable (:mod:`services.agent.triager`); the local,
offline model in :mod:`services.agent.local` is the default and the fallback.
"""

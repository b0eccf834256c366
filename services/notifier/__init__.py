"""Notifier: pings approvers about pending actions and calls upstream back with outcomes."""

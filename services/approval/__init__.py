"""Approval: applies the policy to proposed actions, runs or parks them, and takes decisions."""

"""Approver authentication: bearer tokens compared with their configured SHA-256."""

from __future__ import annotations

from collections.abc import Mapping

from libs.security import token_matches
from services.approval.settings import Approver


def authenticate(approvers: Mapping[str, Approver], token: str) -> str | None:
    """The name of the approver holding ``token``, or None.

    Every configured hash is compared (in constant time each) so the answer
    time does not tell how many approvers were tried.
    """
    found = None
    for name, approver in approvers.items():
        if token_matches(token, approver.token_sha256) and found is None:
            found = name
    return found

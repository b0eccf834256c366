"""Who may post for a tenant: the tenant must be configured and the body signed by it.

Unknown tenants are refused even with signing disabled, because the tenant
list is also the allow-list of games this deployment serves.
"""

from __future__ import annotations

from collections.abc import Sequence

from libs.http import ApiError
from libs.security import SignatureError, verify


def authenticate(
    tenant: str,
    header: str | None,
    body: bytes,
    secrets: Sequence[str],
    *,
    require_signature: bool,
    window_s: int,
    now: float | None = None,
) -> None:
    """Raise 403 ``unknown_tenant`` or 401 with the signature error code; else return."""
    if not secrets:
        raise ApiError(403, "unknown_tenant", f"tenant {tenant!r} is not configured")
    if not require_signature:
        return
    try:
        verify(header, body, secrets, window_s=window_s, now=now)
    except SignatureError as exc:
        raise ApiError(401, exc.code, exc.message) from exc

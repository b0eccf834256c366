"""``python -m services.approval [worker|api]``: the faust worker (default) or approval-api."""

from __future__ import annotations

import sys

from pydantic import ValidationError

from services.approval.policy import PolicyError
from services.approval.settings import ApprovalSettings

USAGE = "usage: python -m services.approval [worker|api]"


def main(argv: list[str]) -> None:
    command = argv[0] if argv else "worker"
    if command not in ("worker", "api") or len(argv) > 1:
        raise SystemExit(USAGE)
    try:
        settings = ApprovalSettings()
    except ValidationError as exc:
        raise SystemExit(f"approval: invalid settings:\n{exc}") from None
    if command == "api":
        from services.approval.api import run_api

        run_api(settings)
        return
    from libs.worker import run_worker
    from services.approval.app import create_worker_app

    try:
        app = create_worker_app(settings)
    except PolicyError as exc:
        raise SystemExit(str(exc)) from None
    run_worker(app, settings)


if __name__ == "__main__":
    main(sys.argv[1:])

"""``python -m services.agent [worker]`` runs the stream worker; ``classify`` triages from the
command line (see :mod:`services.agent.cli`)."""

from __future__ import annotations

import sys

from services.agent.cli import classify, parser


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv or ["worker"])
    if args.command == "classify":
        return classify(args)
    # faust's Worker reads no command line of its own; imported here so `classify`
    # never builds a Kafka app.
    from libs.worker import exit_quietly_until_started, run_worker

    exit_quietly_until_started()
    from services.agent.app import app, settings

    run_worker(app, settings)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

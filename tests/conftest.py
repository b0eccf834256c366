"""Session fixtures: the real local stack (Tansu + valkey), started once."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.stack import StackInfo


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackInfo]:
    """Real Kafka and Redis: the ones named by the environment, else the embedded stack."""
    bootstrap = os.environ.get("TRIAGE_KAFKA_BOOTSTRAP")
    redis_url = os.environ.get("TRIAGE_REDIS_URL")
    if bootstrap and redis_url:
        yield StackInfo(bootstrap, redis_url)
        return
    from libs.devstack import stack as devstack

    local = devstack.start(Path(tmp_path_factory.mktemp("devstack")))
    try:
        yield StackInfo(local.kafka_bootstrap, local.redis_url)
    finally:
        local.stop()

"""faust apps of the services skip faust's per-message stats (Prometheus has the figures)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from faust.sensors import Monitor
from faust.types import TP

from libs.kafka import faust_app
from libs.settings import KafkaSettings


def test_per_message_hooks_keep_no_stats_but_commit_tracking_stays() -> None:
    monitor = faust_app("unit-monitor", KafkaSettings()).monitor
    assert isinstance(monitor, Monitor)
    tp = TP("tickets.raw.v1", 3)
    message = cast(Any, SimpleNamespace(time_in=None))
    monitor.on_message_in(tp, 41, message)
    monitor.on_message_out(tp, 41, message)
    monitor.on_send_initiated(cast(Any, None), "tickets.guarded.v1", cast(Any, None), 1, 1)
    assert monitor.messages_received_total == 0 and monitor.messages_sent == 0
    assert not monitor.tp_read_offsets and message.time_in is None
    monitor.on_tp_commit({tp: 42})
    assert monitor.tp_committed_offsets == {tp: 42}

"""Consumer lag per partition, measured by each worker for the partitions it owns.

Lag is the broker's end offset minus the group's committed offset: the number
of records the stage still has to handle. Each worker reports only its assigned
partitions, so replicas never export the same series and a revoked partition's
series disappears with it. When every replica of a stage is down nothing
reports its lag: watch ``up`` too, or read lag from the broker (KEDA's Kafka
scaler does).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import faust
import mode
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from faust.exceptions import ConsumerNotStarted
from prometheus_client import Gauge

from libs.kafka import bootstrap_servers
from libs.logs import log_fields
from libs.settings import KafkaSettings

logger = logging.getLogger(__name__)

CONSUMER_LAG = Gauge(
    "triage_consumer_lag",
    "Records on the broker not yet committed by the consumer group, per assigned partition",
    ["group", "topic", "partition"],
)

Partition = tuple[str, int]


def compute_lag(
    partitions: Iterable[Partition],
    committed: Mapping[Partition, int],
    start: Mapping[Partition, int],
    end: Mapping[Partition, int],
) -> dict[Partition, int]:
    """Lag of each partition; one never committed is read from its log start."""
    lags = {}
    for tp in partitions:
        position = committed.get(tp, -1)
        if position < 0:
            position = start.get(tp, 0)
        lags[tp] = max(0, end.get(tp, 0) - position)
    return lags


class LagProbe:
    """Reads one group's committed offsets and the partitions' log bounds from the broker.

    It never joins the group: the admin client reads the commits and a group-less
    consumer asks for the offsets.
    """

    def __init__(self, settings: KafkaSettings, group: str) -> None:
        self.group = group
        self._servers = bootstrap_servers(settings)
        self._clients: tuple[AIOKafkaAdminClient, AIOKafkaConsumer] | None = None

    async def start(self) -> None:
        """Connect (aiokafka clients must be created on the running loop)."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self._servers)
        offsets = AIOKafkaConsumer(bootstrap_servers=self._servers, enable_auto_commit=False)
        await admin.start()
        await offsets.start()
        self._clients = (admin, offsets)

    async def close(self) -> None:
        if self._clients is not None:
            admin, offsets = self._clients
            self._clients = None
            await offsets.stop()
            await admin.close()

    async def measure(self, partitions: Iterable[Partition]) -> dict[Partition, int]:
        tps = [TopicPartition(topic, p) for topic, p in sorted(set(partitions))]
        if not tps:
            return {}
        if self._clients is None:
            raise RuntimeError("LagProbe.start() was not called")
        admin, offsets = self._clients
        commits = await admin.list_consumer_group_offsets(self.group, partitions=tps)
        start = await offsets.beginning_offsets(tps)
        end = await offsets.end_offsets(tps)
        return compute_lag(
            [(tp.topic, tp.partition) for tp in tps],
            {(tp.topic, tp.partition): meta.offset for tp, meta in commits.items()},
            {(tp.topic, tp.partition): offset for tp, offset in start.items()},
            {(tp.topic, tp.partition): offset for tp, offset in end.items()},
        )


@dataclass
class LagExport:
    """Writes measured lag into the gauge and drops series of partitions no longer owned."""

    group: str
    gauge: Gauge = CONSUMER_LAG
    _exported: set[Partition] = field(default_factory=set)

    def update(self, lags: Mapping[Partition, int]) -> None:
        for topic, partition in self._exported - set(lags):
            self.gauge.remove(self.group, topic, str(partition))
        for (topic, partition), lag in lags.items():
            self.gauge.labels(self.group, topic, str(partition)).set(lag)
        self._exported = set(lags)


class LagMonitor(mode.Service):
    """Measures every ``interval_s`` the lag of the partitions ``assigned()`` returns.

    A failed measurement (broker unreachable) is logged and the last values stay.
    """

    def __init__(
        self,
        settings: KafkaSettings,
        group: str,
        assigned: Callable[[], Iterable[Partition]],
        interval_s: float,
    ) -> None:
        super().__init__()
        self.probe = LagProbe(settings, group)
        self.export = LagExport(group)
        self.assigned = assigned
        self.interval_s = interval_s

    async def on_start(self) -> None:
        await self.probe.start()

    async def on_stop(self) -> None:
        await self.probe.close()

    async def measure_once(self) -> None:
        try:
            self.export.update(await self.probe.measure(self.assigned()))
        except KafkaError:
            logger.warning(
                "consumer lag not measured", exc_info=True, extra=log_fields("lag_failed")
            )

    @mode.Service.task
    async def _poll(self) -> None:
        while not self.should_stop:
            await self.sleep(self.interval_s)
            if not self.should_stop:
                await self.measure_once()


def monitor_app_lag(app: faust.App, settings: KafkaSettings, interval_s: float) -> LagMonitor:
    """Start a lag monitor with the faust app, over the partitions its consumer owns."""

    def assigned() -> list[Partition]:
        try:
            owned = app.consumer.assignment()
        except ConsumerNotStarted:
            return []
        return [(tp.topic, tp.partition) for tp in owned]

    monitor = LagMonitor(settings, app.conf.id, assigned, interval_s)
    app.add_dependency(monitor)
    return monitor

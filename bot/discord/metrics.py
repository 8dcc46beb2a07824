"""deepread's Prometheus instruments, in one registry per bot.

The one place that names the metrics a host scrapes from `/metrics` (README lists them). The
registry is the bot's own rather than prometheus_client's global one, so several bots (the
end-to-end tests, a benchmark) can live in one process. Nothing below the Discord face
imports this: the store reports its timings through a plain callback (`observe_db`), and the
Discord face records the rest (`bot.discord.instrument`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

# Answers are expected well under Discord's 3 s deadline; the tail above it still matters.
ANSWER_BUCKETS = (0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0)
DB_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0)
OUTCOMES = ("ok", "user_error", "failure")

ShardLatencies = Callable[[], Iterable[tuple[int, float]]]


class Metrics:
    """Every instrument, registered in `registry`."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.interactions = Counter(
            "deepread_interactions",
            "Interactions answered, by command (or interaction type) and outcome "
            "(ok, user_error, failure).",
            ["command", "outcome"],
            registry=registry,
        )
        self.acknowledge_seconds = Histogram(
            "deepread_acknowledge_seconds",
            "From the interaction's creation to our first response (an answer or a defer).",
            ["command"],
            buckets=ANSWER_BUCKETS,
            registry=registry,
        )
        self.answer_seconds = Histogram(
            "deepread_answer_seconds",
            "From the interaction's creation to the answer the user sees (the response, or "
            "the first followup after a defer).",
            ["command"],
            buckets=ANSWER_BUCKETS,
            registry=registry,
        )
        self.errors = Counter(
            "deepread_errors",
            "Log records at ERROR or above, by logger (each has its traceback in the log).",
            ["logger"],
            registry=registry,
        )
        self.daily_posts = Counter(
            "deepread_daily_posts",
            "Attempts to post in a channel (the daily posts), by result (sent, failed).",
            ["result"],
            registry=registry,
        )
        self.db_seconds = Histogram(
            "deepread_db_seconds",
            "Database transactions, retries and waiting for a turn included.",
            ["operation"],
            buckets=DB_BUCKETS,
            registry=registry,
        )
        self.catalog_resources = Gauge(
            "deepread_catalog_resources", "Resources in the served catalog.", registry=registry
        )
        self.draining = Gauge(
            "deepread_draining",
            "1 while shutting down (new interactions are turned away).",
            registry=registry,
        )

    def observe_db(self, operation: str, seconds: float) -> None:
        """The store's timing callback (`Service.time_store`)."""
        self.db_seconds.labels(operation).observe(seconds)

    def watch_shards(self, latencies: ShardLatencies) -> Collector:
        """Report each shard's gateway heartbeat latency at scrape time; unregister the
        returned collector when the bot closes."""
        collector = _ShardLatency(latencies)
        self.registry.register(collector)
        return collector

    def exposition(self) -> tuple[bytes, str]:
        """The text format a Prometheus server scrapes, and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST

    def count_errors(self) -> logging.Handler:
        """A logging handler counting ERROR records; add it to the root logger."""
        return _ErrorCounter(self.errors)


class _ShardLatency(Collector):
    def __init__(self, latencies: ShardLatencies) -> None:
        self._latencies = latencies

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "deepread_gateway_latency_seconds",
            "Time between a gateway heartbeat and its acknowledgement, by shard.",
            labels=["shard"],
        )
        for shard, seconds in self._latencies():
            if seconds == seconds and seconds != float("inf"):  # NaN/inf before the 1st beat
                family.add_metric([str(shard)], seconds)
        yield family

    def describe(self) -> Iterable[GaugeMetricFamily]:
        return []


class _ErrorCounter(logging.Handler):
    def __init__(self, counter: Counter) -> None:
        super().__init__(level=logging.ERROR)
        self._counter = counter

    def emit(self, record: logging.LogRecord) -> None:
        self._counter.labels(record.name).inc()

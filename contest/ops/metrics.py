"""Prometheus metrics (``prometheus_client``): requests, their latency, score submissions.

The metrics live in a registry of their own. Under gunicorn each worker counts for itself; set
``PROMETHEUS_MULTIPROC_DIR`` (an empty directory, cleaned at start — see deploy/) and ``/metrics`` adds
up every worker's files. ``/metrics`` answers only when ``METRICS_ENABLED`` is on (by default in the demo,
not in production) and the client address
(after the trusted-proxy setting ``TRUSTED_PROXY_HOPS``) is in ``METRICS_ALLOW`` (networks; loopback by
default); anyone else gets 404, as if it did not exist.
"""

from __future__ import annotations

import ipaddress
import os
import time

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter("contest_http_requests", "HTTP requests answered, by endpoint, method and status.",
                   ["endpoint", "method", "status"], registry=REGISTRY)
LATENCY = Histogram("contest_http_request_duration_seconds", "Time to answer a request, by endpoint.", ["endpoint"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=REGISTRY)
SCORE_SUBMISSIONS = Counter("contest_score_submissions", "Score submissions (PUT /api/v1/events/<id>/scores), by status.",
                            ["status"], registry=REGISTRY)


class OutboxCollector:
    """The e-mail outbox read from the database when ``/metrics`` is scraped (so every worker process and the
    delivery worker agree): ``contest_notifications_undelivered`` (pending, the queue depth) and
    ``contest_notifications_failed`` (given up). One GROUP BY query; a database error leaves them out."""

    def describe(self):
        yield GaugeMetricFamily("contest_notifications_undelivered", "Notifications whose e-mail is still to be sent.")
        yield GaugeMetricFamily("contest_notifications_failed", "Notifications whose e-mail failed after every retry.")

    def collect(self):
        from contest.services.notifications import outbox_counts

        try:
            counts = outbox_counts()
        except Exception:  # noqa: BLE001 - a scrape must answer even when the database does not
            return
        yield GaugeMetricFamily("contest_notifications_undelivered", "Notifications whose e-mail is still to be sent.",
                                value=counts.get("pending", 0))
        yield GaugeMetricFamily("contest_notifications_failed", "Notifications whose e-mail failed after every retry.",
                                value=counts.get("failed", 0))


OUTBOX = OutboxCollector()
REGISTRY.register(OUTBOX)


def configure(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_count)


def _start() -> None:
    g.metrics_started = time.perf_counter()


def _count(response):
    if "metrics_started" not in g:
        return response
    endpoint = request.endpoint or "unmatched"  # never the raw path: bounded label values
    REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
    LATENCY.labels(endpoint).observe(time.perf_counter() - g.metrics_started)
    if endpoint == "api.put_scores":
        SCORE_SUBMISSIONS.labels(str(response.status_code)).inc()
    return response


def allowed(address: str | None) -> bool:
    if not current_app.config.get("METRICS_ENABLED") or not address:
        return False
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(net, strict=False) for net in current_app.config.get("METRICS_ALLOW", ()))


def exposition() -> Response:
    if not allowed(request.remote_addr):
        abort(404)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(OUTBOX)
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)

"""The real application for ``bench/results_day.py``: as ``bench_app`` (production configuration, the
throw-away schema), but with rate limits on, kept in Redis under a key prefix of the run, so that the public
verification page answers under its real limit across both gunicorn workers.

    gunicorn 'results_day_app:create()'   with BENCH_DATABASE_URL, BENCH_SCHEMA, SECRET_KEY, BENCH_REDIS set
"""

from __future__ import annotations

import os


def create():
    from bench_app import bench_overrides

    from contest import create_app

    overrides = bench_overrides(os.environ["BENCH_DATABASE_URL"], os.environ["BENCH_SCHEMA"])
    overrides.update({
        "SECRET_KEY": os.environ["SECRET_KEY"],
        "PUBLIC_BASE_URL": "https://bench.example.org",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": os.environ["BENCH_REDIS"],
        "RATELIMIT_KEY_PREFIX": os.environ["BENCH_SCHEMA"],
        "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,  # plain HTTP on 127.0.0.1 here
    })
    return create_app("production", overrides)

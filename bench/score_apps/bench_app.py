"""The real application for ``bench/score_load.py``, configured from environment variables (bench only).

    gunicorn 'bench_app:create_bench_app()'   with BENCH_DATABASE_URL and BENCH_SCHEMA set

Production configuration, the throw-away schema selected through ``search_path``, rate limits off (the
load generator is one client address), cheap password hashing (the bench creates 200 judges).
"""

from __future__ import annotations

import os
import secrets


def bench_overrides(url: str, schema: str) -> dict:
    from contest.config import Config

    options = dict(Config.SQLALCHEMY_ENGINE_OPTIONS)
    options["connect_args"] = {"options": f"-csearch_path={schema}"}
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": options,
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


def create_bench_app():
    from contest import create_app

    overrides = bench_overrides(os.environ["BENCH_DATABASE_URL"], os.environ["BENCH_SCHEMA"])
    overrides["SECRET_KEY"] = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
    overrides["PUBLIC_BASE_URL"] = os.environ.get("PUBLIC_BASE_URL") or "https://bench.example.org"
    return create_app("production", overrides)

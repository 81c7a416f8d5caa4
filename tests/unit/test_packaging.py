"""Where the app finds templates/, static/ and migrations/: the wheel's packaged copy, else the checkout's folders.
The install itself (wheel → fresh virtual environment → init-db on PostgreSQL → a served page) is .ci/wheel-check."""

import os

from contest import config


def test_a_checkout_uses_the_top_level_folders():
    assert not config.INSTALLED
    for name in ("templates", "static", "migrations"):
        assert config.resource_dir(name) == config.PROJECT_ROOT / name
        assert config.resource_dir(name).is_dir()
    if "CONTEST_INSTANCE_PATH" not in os.environ:
        assert config.INSTANCE_PATH == config.PROJECT_ROOT / "instance"


def test_an_installed_package_uses_its_packaged_copy(tmp_path, monkeypatch):
    bundle = tmp_path / "_bundle"
    (bundle / "migrations").mkdir(parents=True)
    monkeypatch.setattr(config, "BUNDLE_DIR", bundle)
    assert config.resource_dir("migrations") == bundle / "migrations"
    assert config.resource_dir("static") == config.PROJECT_ROOT / "static"  # not packaged: the checkout's


def test_the_build_hook_bundles_exactly_what_the_app_looks_up():
    source = (config.PROJECT_ROOT / "setup.py").read_text(encoding="utf-8")
    assert 'BUNDLED = ("templates", "static", "migrations")' in source
    assert 'Path("contest") / "_bundle"' in source and config.BUNDLE_DIR.name == "_bundle"
    manifest = (config.PROJECT_ROOT / "MANIFEST.in").read_text(encoding="utf-8")
    assert all(f"graft {name}" in manifest for name in ("templates", "static", "migrations"))

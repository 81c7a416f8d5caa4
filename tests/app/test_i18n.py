"""Chinese first, English on request; the catalogues are complete and compiled."""

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "contest" / "translations"


def test_default_language_is_chinese_even_for_english_browsers(world, client):
    page = client.get("/login", headers={"Accept-Language": "en-US,en"}).data.decode()
    assert 'lang="zh-CN"' in page and "登录" in page


def test_switch_to_english_and_back(world, client):
    response = client.get("/locale/en?next=/login")
    assert response.status_code == 302 and response.location == "/login"
    page = client.get("/login").data.decode()
    assert 'lang="en"' in page and "Log in" in page
    client.get("/locale/zh_CN")
    assert "登录" in client.get("/login").data.decode()


def test_unknown_locale_is_ignored(world, client):
    client.get("/locale/xx")
    assert "登录" in client.get("/login").data.decode()


def test_every_message_is_translated_into_chinese_and_compiled(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "N_",
         "-o", str(pot), "--no-location", str(ROOT)],
        check=True, capture_output=True, cwd=ROOT,
    )
    with pot.open("rb") as f:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    with (TRANSLATIONS / "zh_Hans_CN/LC_MESSAGES/messages.po").open("rb") as f:
        po = read_po(f)
    translated = {(m.id if isinstance(m.id, str) else m.id[0]) for m in po if m.id and m.string and not m.fuzzy}
    missing = sorted(wanted - translated)
    assert missing == [], f"untranslated (run `make translations`, then translate): {missing[:20]}"
    with (TRANSLATIONS / "zh_Hans_CN/LC_MESSAGES/messages.mo").open("rb") as f:
        mo = read_mo(f)
    stale = sorted(m.id for m in po if m.id and m.string and not m.fuzzy  # with its context (pgettext): "Draw" 抽签 / 平局
                   and (mo.get(m.id, m.context) is None or mo.get(m.id, m.context).string != m.string))
    assert stale == [], "messages.mo is stale: run `make translations`"


def test_translations_keep_placeholders_and_percent_signs():
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]")
    with (TRANSLATIONS / "zh_Hans_CN/LC_MESSAGES/messages.po").open("rb") as f:
        po = read_po(f)
    wrong = []
    for m in po:
        if not m.id or not m.string:
            continue
        if sorted(placeholder.findall(m.id)) != sorted(placeholder.findall(m.string)):
            wrong.append(m.id)
        elif placeholder.sub("", m.id).count("%") != placeholder.sub("", m.string).count("%"):
            wrong.append(m.id)  # a bare % breaks formatting in templates
    assert wrong == []

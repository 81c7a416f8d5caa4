"""Certificate PDF renderer, checked with real readers: pdftotext, pdffonts, pdftoppm + zbarimg, pypdf."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from contest.documents import certificate as certpdf
from contest.documents.certificate import (
    CertificateData,
    format_chinese_date,
    render_certificate,
    render_many,
    validate_body_template,
    validate_seal_png,
)
from contest.domain.errors import DomainError

PAGE_W, PAGE_H = certpdf.PAGE_WIDTH, certpdf.PAGE_HEIGHT


def needs(tool: str):
    return pytest.mark.skipif(
        shutil.which(tool) is None, reason=f"{tool} is not installed (poppler-utils / zbar-tools)"
    )


def png_bytes(width: int = 300, height: int = 300) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, width - 4, height - 4), outline=(200, 20, 20, 210), width=max(2, width // 25))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


SEAL = png_bytes()

DATA = CertificateData(
    serial="QZ-2026-000123",
    holder_name="欧阳明华",
    contest_title="2026年衢州市职工职业技能竞赛",
    event_name="电工",
    award="一等奖",
    titles=("衢州市技术能手",),
    issuer="衢州市总工会",
    issued_on=date(2026, 11, 25),
    verify_url="https://jnjs.qzzgh.example.cn/verify/7F3K9M2XQ4",
    seal_png=SEAL,
)

LONG = replace(
    DATA,
    holder_name="阿卜杜热合曼·买买提艾力·艾合买提江·阿不都克热木·吐尔逊托合提" * 2,
    contest_title="第十届衢州市“衢州工匠杯”职工职业技能大赛暨浙江省职业技能竞赛选拔赛及长三角区域职工技能邀请赛"
    * 3,
    event_name="工业机器人系统运维员（含智能制造生产线安装调试与维护保养）" * 2,
    award="一等奖（金牌）",
    titles=("衢州市技术能手", "衢州市五一劳动奖章", "衢州工匠", "浙江省技术能手"),
    issuer="衢州市总工会 衢州市人力资源和社会保障局 衢州市经济和信息化局 衢州市科学技术局 共青团衢州市委员会",
    serial="QZ-2026-" + "9" * 60,
)


def run(*args: str, stdin: bytes | None = None) -> str:
    return subprocess.run(args, input=stdin, check=True, capture_output=True).stdout.decode("utf-8")


def write(tmp_path: Path, data: bytes, name: str = "cert.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return render_certificate(DATA)


def test_one_a4_landscape_page_under_40_kb(rendered):
    reader = PdfReader(io.BytesIO(rendered))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    assert len(rendered) <= 40 * 1024


@needs("pdftotext")
def test_text_holds_name_award_issuer_date_serial(rendered, tmp_path):
    text = run("pdftotext", "-layout", str(write(tmp_path, rendered)), "-")
    compact = "".join(text.split())
    for expected in (
        "荣誉证书",
        "欧阳明华",
        "一等奖",
        "衢州市技术能手",
        "2026年衢州市职工职业技能竞赛电工项目",
        "衢州市总工会",
        "二〇二六年十一月二十五日",
        "QZ-2026-000123",
        "扫码验证证书真伪",
    ):
        assert expected in compact, expected


@needs("pdffonts")
def test_only_the_embedded_subset_cjk_font(rendered, tmp_path):
    lines = run("pdffonts", str(write(tmp_path, rendered))).splitlines()[2:]
    assert lines, "no fonts listed"
    for line in lines:
        cols = line.split()
        # name type encoding emb sub uni object-id generation
        assert cols[-5:-2] == ["yes", "yes", "yes"], line  # embedded, subset, with a ToUnicode map
    assert any("WenQuanYiMicroHei" in line for line in lines)


@needs("pdftoppm")
@needs("zbarimg")
@pytest.mark.parametrize(
    "url",
    [
        DATA.verify_url,
        "https://contest.example.org/verify/" + "AB12-" * 20,  # a higher QR version
        "http://localhost:5000/verify/x?lang=zh_CN&v=1",
    ],
)
def test_qr_decodes_to_the_verification_url(tmp_path, url):
    path = write(tmp_path, render_certificate(replace(DATA, verify_url=url)))
    run("pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(tmp_path / "page"))
    decoded = run("zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(tmp_path / "page.png"))
    assert decoded.strip() == url


def words_with_boxes(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) from pdftotext -bbox; y grows downwards from the top of the page."""
    import html
    import re

    out = run("pdftotext", "-bbox", str(pdf), "-")
    pattern = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
    return [
        (html.unescape(m[5]), float(m[1]), float(m[2]), float(m[3]), float(m[4])) for m in pattern.finditer(out)
    ]


@needs("pdftotext")
@pytest.mark.parametrize(
    "data", [LONG, replace(LONG, contest_title=LONG.contest_title * 10)], ids=["long", "absurd"]
)
def test_very_long_strings_stay_inside_their_boxes(tmp_path, data):
    words = words_with_boxes(write(tmp_path, render_certificate(data)))
    assert words
    margin = certpdf.SAFE_MARGIN
    for word, x0, y0, x1, y1 in words:
        assert margin <= x0 and x1 <= PAGE_W - margin, (word, x0, x1)
        assert margin <= y0 and y1 <= PAGE_H - margin, (word, y0, y1)
    text = "".join(w for w, *_ in words)
    assert "阿卜杜热合曼" in text and "…" in text  # set at the floor size, then cut with an ellipsis
    if data is not LONG:
        assert "特发此证" not in text  # the body itself was cut
    # body text stays above the issuer/QR band; the issuer stays in its column right of the serial
    body_words = [w for w in words if w[0].startswith("阿卜杜") or "工匠杯" in w[0]]
    assert body_words and all(y1 <= PAGE_H - certpdf.BODY_BOTTOM + 1 for _, _, _, _, y1 in body_words)
    issuer_words = [w for w in words if "总工会" in w[0] or "委员会" in w[0] or "科学技术局" in w[0]]
    left = certpdf.ISSUER_CENTRE_X - certpdf.ISSUER_WIDTH / 2
    assert issuer_words and all(x0 >= left - 1 for _, x0, *_ in issuer_words)
    serial_words = [w for w in words if "QZ-2026" in w[0]]
    assert serial_words and all(w[3] <= left for w in serial_words)


@needs("pdftotext")
def test_short_text_is_set_at_full_size_and_long_text_shrinks(tmp_path):
    def body_height(data: CertificateData) -> float:
        words = words_with_boxes(write(tmp_path, render_certificate(data), "h.pdf"))
        return max(y1 - y0 for w, x0, y0, x1, y1 in words if "同志" in w)

    long_name = replace(DATA, contest_title="第十届衢州市职工职业技能大赛暨浙江省职业技能竞赛选拔赛" * 4)
    assert body_height(long_name) < body_height(DATA)


def test_line_breaking_rules():
    paragraphs = [[(ch, False, 0) for ch in "在衢州市职工职业技能竞赛中荣获一等奖，并被授予“技术能手”称号。" * 3]]
    for size in (12, 14.5, 17, 22):
        for line in certpdf._layout(paragraphs, 300, 0, size):
            text = "".join(ch for ch, *_ in line.chars)
            assert text[0] not in "，。、；：？！）”", text
            assert text[-1] not in "（“", text
            assert certpdf._width(line.chars) * size <= 300 + 1e-6


def test_short_values_are_not_broken_across_lines():
    template = "{name} 同志：在{contest}{event}项目中荣获{award}。"
    for n in range(0, 40):
        data = replace(DATA, body_template=template, contest_title="衢" * n)
        size, lines = certpdf._fit(certpdf._body_paragraphs(data), 622, 225, 22, 12, 1.75)
        for line in lines:
            text = "".join(ch for ch, *_ in line.chars)
            assert not text.startswith(("等奖", "奖")), (n, text)


def test_custom_template_and_no_titles(tmp_path):
    data = replace(DATA, titles=(), body_template="兹授予{name}同志{contest}{event}项目{award}。")
    paragraphs = certpdf._body_paragraphs(data)
    assert (
        "".join(ch for ch, *_ in paragraphs[0]) == "兹授予欧阳明华同志2026年衢州市职工职业技能竞赛电工项目一等奖。"
    )
    default = "".join(ch for p in certpdf._body_paragraphs(replace(DATA, titles=())) for ch, *_ in p)
    assert "称号" not in default


@pytest.mark.parametrize(
    "template", ["{name.__class__}", "{0}", "{}", "{name!r}", "{name:>10}", "{nome}", "{name", "}"]
)
def test_bad_templates_are_refused(template):
    with pytest.raises(DomainError):
        validate_body_template(template)
    with pytest.raises(DomainError):
        render_certificate(replace(DATA, body_template=template))


def test_braces_can_be_escaped():
    validate_body_template("{{特别}} {name}")


def test_seal_validation_accepts_a_png():
    validate_seal_png(SEAL)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"GIF89a" + b"\0" * 100,
        b"\xff\xd8\xff\xe0" + b"\0" * 100,  # JPEG
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        SEAL[:200],  # truncated: header fine, data broken
        SEAL[:-20] + b"\0" * 20,  # corrupt IEND/CRC
        png_bytes(16, 16),  # too small
        png_bytes(600, 100),  # not roughly square
    ],
)
def test_seal_validation_refuses_bad_input(data):
    with pytest.raises(DomainError):
        validate_seal_png(data)


def test_seal_validation_refuses_oversize_input():
    big = SEAL + b"\0" * (certpdf.SEAL_MAX_BYTES + 1 - len(SEAL))
    with pytest.raises(DomainError) as info:
        validate_seal_png(big)
    assert info.value.params["limit"] == 2048
    with pytest.raises(DomainError):
        render_certificate(replace(DATA, seal_png=b"not a png"))


def test_seal_is_drawn_with_a_soft_mask(rendered):
    page = PdfReader(io.BytesIO(rendered)).pages[0]
    images = [obj.get_object() for obj in page["/Resources"]["/XObject"].values()]
    assert any("/SMask" in image for image in images)
    no_seal = render_certificate(replace(DATA, seal_png=None))
    assert "/XObject" not in PdfReader(io.BytesIO(no_seal)).pages[0]["/Resources"]


@needs("pdftotext")
@needs("pdffonts")
def test_render_many_writes_one_page_per_certificate(tmp_path):
    names = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊"]
    items = [
        replace(DATA, holder_name=n, serial=f"QZ-2026-{i:06d}", verify_url=f"{DATA.verify_url}{i}")
        for i, n in enumerate(names)
    ]
    path = tmp_path / "merged.pdf"
    with path.open("wb") as out:
        render_many(iter(items), out)
    reader = PdfReader(str(path), strict=True)
    assert len(reader.pages) == len(names)
    for i, name in enumerate(names):
        page_text = run("pdftotext", "-f", str(i + 1), "-l", str(i + 1), str(path), "-")
        assert name in page_text and f"QZ-2026-{i:06d}" in page_text
    fonts = run("pdffonts", str(path)).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)
    # the seal image is embedded once for the whole batch
    image_ids = {ref.idnum for page in reader.pages for ref in page["/Resources"]["/XObject"].values()}
    assert len(image_ids) == 1
    assert path.stat().st_size < len(names) * 15 * 1024


def test_render_many_needs_a_certificate():
    with pytest.raises(ValueError):
        render_many([], io.BytesIO())


def test_render_many_only_writes_to_out():
    class WriteOnly:
        def __init__(self):
            self.chunks = []

        def write(self, data):
            self.chunks.append(bytes(data))
            return len(data)

    out = WriteOnly()
    render_many([DATA, DATA], out)
    assert len(out.chunks) > 3  # pages were written as they were finished, not in one piece
    assert len(PdfReader(io.BytesIO(b"".join(out.chunks))).pages) == 2


@pytest.mark.parametrize(
    ("d", "hanzi", "arabic"),
    [
        (date(2026, 11, 25), "二〇二六年十一月二十五日", "2026年11月25日"),
        (date(2030, 1, 1), "二〇三〇年一月一日", "2030年1月1日"),
        (date(2029, 10, 10), "二〇二九年十月十日", "2029年10月10日"),
        (date(2028, 12, 31), "二〇二八年十二月三十一日", "2028年12月31日"),
        (date(2027, 2, 20), "二〇二七年二月二十日", "2027年2月20日"),
    ],
)
def test_chinese_dates(d, hanzi, arabic):
    assert format_chinese_date(d) == hanzi
    assert format_chinese_date(d, "arabic") == arabic


def test_no_flask_or_sqlalchemy_imports():
    # (the ``contest`` package itself imports Flask for create_app, so look at the modules' own imports)
    import ast

    import contest.documents

    modules = [Path(contest.documents.__file__).parent.glob("*.py")]
    for module in (certpdf, *(type("M", (), {"__file__": str(f), "__name__": f.stem}) for f in modules[0])):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        names += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert not [n for n in names if n.split(".")[0].startswith(("flask", "sqlalchemy"))], module.__name__


def test_big_seals_are_scaled_down_once():
    page = PdfReader(io.BytesIO(render_certificate(replace(DATA, seal_png=png_bytes(1500, 1500))))).pages[0]
    images = [obj.get_object() for obj in page["/Resources"]["/XObject"].values()]
    assert images and all(image["/Width"] <= certpdf.SEAL_RENDER_MAX_SIDE for image in images)


# Every combination a certificate can carry reads as one correct sentence (issue 11: a title-only
# certificate read "…项目中荣获，并被授予“青年岗位能手”称号").
VARIANTS = {
    "award only": (dict(award="一等奖", titles=()), "在2026年衢州市职工职业技能竞赛电工项目中荣获一等奖。"),
    "title only": (dict(award="", titles=("青年岗位能手",)), "在2026年衢州市职工职业技能竞赛电工项目中被授予“青年岗位能手”称号。"),
    "award and title": (
        dict(award="一等奖", titles=("衢州市技术能手",)),
        "在2026年衢州市职工职业技能竞赛电工项目中荣获一等奖，并被授予“衢州市技术能手”称号。",
    ),
    "team award": (
        dict(award="二等奖", titles=(), team="柯城供电抢修队"),
        "在2026年衢州市职工职业技能竞赛电工项目中作为柯城供电抢修队成员荣获二等奖。",
    ),
}


@needs("pdftotext")
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_honour_combination_reads_as_chinese(tmp_path, variant):
    changes, sentence = VARIANTS[variant]
    pdf = write(tmp_path, render_certificate(replace(DATA, **changes)))
    text = "".join(run("pdftotext", "-raw", str(pdf), "-").split())
    assert sentence in text, text
    assert "荣获，" not in text and "荣获。" not in text and "“”" not in text
    assert "欧阳明华同志：" in text and "特发此证，以资鼓励。" in text


def test_a_custom_text_is_kept_only_where_every_placeholder_has_a_value():
    custom = "兹授予{name}同志{contest}{event}项目{award}。"
    award = "".join(ch for p in certpdf._body_paragraphs(replace(DATA, titles=(), body_template=custom)) for ch, *_ in p)
    assert award.startswith("兹授予欧阳明华同志")
    title = "".join(ch for p in certpdf._body_paragraphs(replace(DATA, award="", body_template=custom)) for ch, *_ in p)
    assert "被授予“衢州市技术能手”称号。" in title and "项目。" not in title

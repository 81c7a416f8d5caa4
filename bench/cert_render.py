"""Certificate rendering benchmark: single-PDF throughput and size, and a streamed 1,000-page merged PDF.

Run: ``python bench/cert_render.py`` (from the repository root, in the project's virtualenv).
Prints certificates/s for single PDFs (with and without a seal), bytes per PDF (min/mean/max), and for the
merged PDF the time, the size and the peak memory — traced Python allocations (tracemalloc) and the peak RSS
of a fresh process — at 100 and at 1,000 pages, to show memory does not grow with the page count.
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from contest.documents.certificate import CertificateData, render_certificate, render_many  # noqa: E402

SURNAMES = "张王李刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰春梅海燕"
CONTESTS = (
    "2026年衢州市职工职业技能竞赛",
    "2026年衢州市“衢州工匠杯”职工技能大赛",
    "第十届衢州市职工职业技能大赛暨浙江省职业技能竞赛选拔赛",
    "2026年柯城区职工数控技能运动会",
)
EVENTS = ("电工", "焊工", "数控车工", "汽车维修工", "茶艺师", "养老护理员", "工业机器人系统运维员")
AWARDS = ("一等奖", "二等奖", "三等奖", "优秀奖")
ISSUERS = ("衢州市总工会", "衢州市总工会 衢州市人力资源和社会保障局", "柯城区总工会")


def make_seal() -> bytes:
    """A realistic seal: 900 px, red on transparent, anti-aliased ring, star and text-like strokes."""
    from PIL import Image, ImageDraw, ImageFilter

    side = 900
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (205, 25, 30, 220)
    draw.ellipse((20, 20, side - 20, side - 20), outline=red, width=36)
    draw.regular_polygon((side // 2, side // 2, 120), 5, fill=red)
    for i in range(14):  # strokes standing in for the characters around the ring
        x = 170 + i * 40
        draw.rectangle((x, 160 + (i % 3) * 20, x + 22, 300 - (i % 4) * 15), fill=red)
    draw.rectangle((250, 640, 650, 700), fill=red)
    image = image.filter(ImageFilter.GaussianBlur(1.5))  # ink edges
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def dataset(n: int, seal: bytes | None):
    for i in range(n):
        name = (
            SURNAMES[i % len(SURNAMES)]
            + GIVEN[(i * 7) % len(GIVEN)]
            + ("" if i % 3 else GIVEN[(i * 11) % len(GIVEN)])
        )
        yield CertificateData(
            serial=f"QZ-2026-{i:06d}",
            holder_name=name,
            contest_title=CONTESTS[i % len(CONTESTS)],
            event_name=EVENTS[i % len(EVENTS)],
            award=AWARDS[i % len(AWARDS)],
            titles=("衢州市技术能手",) if i % 5 == 0 else (),
            issuer=ISSUERS[i % len(ISSUERS)],
            issued_on=date(2026, 11, 25),
            verify_url=f"https://jnjs.qzzgh.example.cn/verify/{i:04d}K7M2XQ4P",
            seal_png=seal,
        )


def bench_single(n: int, seal: bytes | None) -> None:
    items = list(dataset(n, seal))
    render_certificate(items[0])  # warm caches (font metrics, seal image)
    start = time.perf_counter()
    sizes = [len(render_certificate(item)) for item in items]
    elapsed = time.perf_counter() - start
    label = "with seal" if seal else "no seal  "
    print(
        f"single PDF, {label}: {n / elapsed:7.1f} certs/s ({elapsed * 1000 / n:.2f} ms each); "
        f"bytes min/mean/max {min(sizes):,} / {sum(sizes) // n:,} / {max(sizes):,}"
    )


def merged_child(n: int, trace: bool) -> None:
    """In a fresh process: render ``n`` pages to a temp file; print time, size, traced peak and peak RSS.

    tracemalloc slows allocation several-fold, so the timed run and the traced run are separate processes.
    """
    seal = make_seal()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "merged.pdf")
        if trace:
            tracemalloc.start()
        start = time.perf_counter()
        with open(path, "wb") as out:
            render_many(dataset(n, seal), out)
        elapsed = time.perf_counter() - start
        traced_peak = tracemalloc.get_traced_memory()[1] if trace else 0
        size = os.path.getsize(path)
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{n} {elapsed:.3f} {size} {traced_peak} {rss_kib}")


def run_child(n: int, trace: bool) -> list[str]:
    args = [sys.executable, __file__, "--merged-child", str(n)] + (["--trace"] if trace else [])
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.split()


def bench_merged(n: int) -> None:
    pages, elapsed, size, _, rss = run_child(n, trace=False)
    traced = run_child(n, trace=True)[3]
    elapsed_f = float(elapsed)
    print(
        f"merged {int(pages):>5} pages: {elapsed_f:6.2f} s ({int(pages) / elapsed_f:6.1f} pages/s), "
        f"{int(size) / 1e6:5.2f} MB; peak RSS {int(rss) / 1024:5.1f} MiB, "
        f"peak traced {int(traced) / 2**20:5.2f} MiB"
    )


def main() -> None:
    if len(sys.argv) >= 3 and sys.argv[1] == "--merged-child":
        merged_child(int(sys.argv[2]), trace="--trace" in sys.argv)
        return
    print(f"Python {sys.version.split()[0]}, one process, one core")
    seal = make_seal()
    bench_single(500, None)
    bench_single(500, seal)
    for n in (100, 1000, 5000):
        bench_merged(n)


if __name__ == "__main__":
    main()

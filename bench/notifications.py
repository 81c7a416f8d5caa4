"""Benchmark: people search by pinyin initials over many users, and the e-mail worker's throughput (issue 15).

    python bench/notifications.py [--users 50000] [--mails 2000] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

1. Inserts ``--users`` workers with generated Chinese names (their ``name_initials`` computed as the model does;
   not timed), then times the people-list query of the city organiser for ``"zjh"`` (count + first page, as the
   page runs it) and prints the database's plan for the initials condition (on PostgreSQL: an index scan on
   ``ix_users_name_initials``, not a sequential scan).
2. Writes ``--mails`` notifications for users with an address and times ``deliver_due`` in batches of 100:
   with the console backend (rendering, claiming and recording only), and over SMTP to a local stub server.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text  # noqa: E402

from bench.support import throwaway_app  # noqa: E402
from contest.domain.contact import name_initials  # noqa: E402
from contest.extensions import db  # noqa: E402
from contest.models import Notification, Role, User, UserRole, utcnow  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建华国明伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛超明霞平刚桂英文辉鹏飞玉兰志斌海燕红梅晓东春林"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--mails", type=int, default=2_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    logging.getLogger("contest").setLevel(logging.WARNING)
    with throwaway_app(args.database_url) as app:
        from tests.factories import build_world

        world = build_world("Passw0rd!")
        rng = random.Random(15)
        t0 = time.perf_counter()
        team = world.orgs["team_a"]
        rows = []
        for i in range(args.users):
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            rows.append({"username": f"b{i:06d}", "name": name, "name_initials": name_initials(name), "password_hash": "x",
                         "org_id": team.id, "active": True, "must_change_password": False, "created_at": utcnow(),
                         "email": f"b{i:06d}@bench.example" if i < args.mails else None})
        ids = list(db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), rows))
        db.session.execute(insert(UserRole), [{"user_id": i, "role": Role.WORKER} for i in ids])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE users"))
            db.session.commit()
        print(f"backend: {db.engine.dialect.name}; setup: {args.users} users in {time.perf_counter() - t0:.1f} s (not timed)")

        from contest.services.accounts import people_query
        from contest.web import paginate_select

        city = db.session.get(User, world.users["city"].id)
        timings = []
        for _ in range(5):
            t = time.perf_counter()
            page = paginate_select(people_query(city, search="zjh"), 1, 50)
            timings.append(time.perf_counter() - t)
        print(f"people search 'zjh': {page.total} of {args.users} users; count + first page "
              f"{' / '.join(f'{s * 1000:.1f}' for s in timings)} ms")
        from contest.services.search import initials_clause

        stmt = select(User.id).where(initials_clause("zjh"))
        compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
        explain = "EXPLAIN" if db.engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
        plan = [" ".join(str(c) for c in row) for row in db.session.execute(text(f"{explain} {compiled}"))]
        print("plan for the initials condition (name_initials >= 'zjh' AND < 'zji'):", *plan, sep="\n  ")

        from contest.notifications.delivery import ConsoleMailer, SmtpMailer, deliver_due
        from contest.services import notifications, transaction
        from tests.smtp_stub import SmtpStub

        logging.getLogger("contest.mail").setLevel(logging.WARNING)  # the console backend's lines, not printed
        for label, make in (("console", lambda port: ConsoleMailer()),
                            ("smtp (local stub)", lambda port: SmtpMailer({"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port}))):
            with SmtpStub() as stub:
                with transaction():
                    notifications.notify_many(ids[:args.mails], "registration_closing", contest_id=1, contest="基准测试竞赛", closes="2026-12-31")
                t = time.perf_counter()
                sent = 0
                while True:
                    report = deliver_due(batch=100, mailer=make(stub.port))
                    sent += report.sent
                    if not report.handled:
                        break
                elapsed = time.perf_counter() - t
                left = db.session.scalar(select(func.count(Notification.id)).where(Notification.email_status == "pending"))
                print(f"deliver {args.mails} ({label}): {sent} sent in {elapsed:.2f} s ({sent / elapsed:.0f}/s); left pending {left}")
        del app


if __name__ == "__main__":
    main()

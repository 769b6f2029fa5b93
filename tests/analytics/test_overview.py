"""Participation overview: every figure recomputed from the rows in Python, suppression for planners,
Berlin weeks at the summer-time edges, and a query count that does not grow with the data."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from participation.accounts.models import Role, User, UserRole
from participation.analytics import overview_service as service
from participation.analytics.overview_query import Period, Scope
from participation.discussions.models import Comment
from participation.extensions import db
from participation.projects.models import Project
from participation.surveys.models import Response, Survey
from participation.wiki.models import WikiPage, WikiRevision
from tests.conftest import count_queries, login

BERLIN = ZoneInfo("Europe/Berlin")
PERIOD = Period(date(2026, 6, 1), date(2026, 6, 30))
CHANNELS = ("online", "telefon", "buergerbuero", "papier")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def populate(app, scale: int = 1) -> dict[str, int]:
    """Projects in two districts and none, three surveys, responses, threads, replies, wiki proposals."""
    with app.app_context():
        staff = User(email=f"amt{scale}@example.org", display_name="Amt", created_at=utc(2025, 1, 1))
        db.session.add(staff)
        db.session.flush()
        db.session.add(UserRole(user_id=staff.id, role=Role.PLANNER.value))
        people = []
        for i in range(8 * scale):
            # Every third account is new in June (Berlin): a share of new accounts to find.
            created = utc(2026, 6, 10) if i % 3 == 0 else utc(2025, 3, 1)
            people.append(User(email=f"p{scale}-{i}@example.org", display_name=f"P{i}", created_at=created))
        db.session.add_all(people)
        a = Project(slug=f"a{scale}", title="Altmarkt", summary="s", district="Altstadt")
        b = Project(slug=f"b{scale}", title="Bahnweg", summary="s", district="Nordviertel")
        c = Project(slug=f"c{scale}", title="Chaussee", summary="s", district=None)
        db.session.add_all([a, b, c])
        db.session.flush()
        s1 = Survey(title="Umfrage Markt", project_id=a.id, anonymous=False)
        s2 = Survey(title="Umfrage Bahn", project_id=b.id, anonymous=True)
        s3 = Survey(title="Umfrage frei", project_id=None, anonymous=True)
        db.session.add_all([s1, s2, s3])
        db.session.flush()
        for i, person in enumerate(people):
            db.session.add(
                Response(
                    survey_id=s1.id,
                    user_id=person.id,
                    channel=CHANNELS[i % 4],
                    via="account",
                    submitted_on=date(2026, 6, 1 + i % 30),
                )
            )
        for i in range(40 * scale):
            db.session.add(
                Response(
                    survey_id=s2.id,
                    channel=CHANNELS[i % 3],
                    via="open",
                    submitted_on=date(2026, 5, 25) + timedelta(days=i % 40),
                )
            )
        for _i in range(3):
            db.session.add(
                Response(survey_id=s3.id, channel="papier", via="open", submitted_on=date(2026, 6, 29))
            )
        db.session.flush()
        # Threads: started by citizens; the administration answers some after (2 + i) hours.
        edges = [utc(2026, 5, 31, 22, 30), utc(2026, 6, 7, 22, 30), utc(2026, 6, 30, 22, 30)]
        for i, person in enumerate(people):
            project = (a, b, c)[i % 3]
            started = edges[i] if i < len(edges) else utc(2026, 6, 2 + i % 25, 9)
            root = Comment(project_id=project.id, author_id=person.id, body="x", created_at=started)
            db.session.add(root)
            db.session.flush()
            db.session.add(
                Comment(
                    project_id=project.id,
                    author_id=people[0].id,
                    parent_id=root.id,
                    root_id=root.id,
                    body="y",
                    created_at=started + timedelta(minutes=30),
                )
            )
            if i % 2 == 0:
                db.session.add(
                    Comment(
                        project_id=project.id,
                        author_id=staff.id,
                        parent_id=root.id,
                        root_id=root.id,
                        body="Amt",
                        created_at=started + timedelta(hours=2 + i),
                    )
                )
        removed = Comment(
            project_id=a.id, author_id=people[1].id, body="spam", status="removed", created_at=utc(2026, 6, 3)
        )
        db.session.add(removed)
        page_a = WikiPage(slug=f"wa{scale}", project_id=a.id)
        page_free = WikiPage(slug=f"wf{scale}", project_id=None)
        db.session.add_all([page_a, page_free])
        db.session.flush()
        for i, person in enumerate(people[:6]):
            page = page_a if i % 2 else page_free
            db.session.add(
                WikiRevision(
                    page_id=page.id,
                    author_id=person.id,
                    title="T",
                    body="B",
                    created_at=utc(2026, 6, 14 + i, 12),
                )
            )
        db.session.commit()
        ids = {"a": a.id, "b": b.id, "c": c.id, "s1": s1.id, "s2": s2.id, "s3": s3.id}
        db.session.remove()
        return ids


def berlin_day(moment: datetime) -> date:
    return moment.astimezone(BERLIN).date()


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"KW {week:02d}/{year}"


def in_period(day: date) -> bool:
    return PERIOD.first <= day <= PERIOD.last


def expected() -> dict:
    """The figures recomputed from the rows in Python (no SQL aggregation)."""
    staff_ids = set(db.session.scalars(select(UserRole.user_id)))
    created = dict(db.session.execute(select(User.id, User.created_at)).all())
    surveys = {s.id: s for s in db.session.scalars(select(Survey))}
    projects = {p.id: p for p in db.session.scalars(select(Project))}
    weeks: dict[str, list] = defaultdict(lambda: [0, 0, 0, set()])
    channels: Counter = Counter()
    district: dict = defaultdict(lambda: [0, 0, 0, set()])
    everyone: set[int] = set()
    for r in db.session.scalars(select(Response)):
        if not in_period(r.submitted_on):
            continue
        week = weeks[week_label(r.submitted_on)]
        week[0] += 1
        channels[r.channel] += 1
        project = projects.get(surveys[r.survey_id].project_id)
        district[project.district if project else None][0] += 1
        if r.user_id:
            week[3].add(r.user_id)
            everyone.add(r.user_id)
            district[project.district if project else None][3].add(r.user_id)
    comments = list(db.session.scalars(select(Comment)))
    for c in comments:
        day = berlin_day(c.created_at)
        if not in_period(day) or c.status == "removed":
            continue
        weeks[week_label(day)][1] += 1
        weeks[week_label(day)][3].add(c.author_id)
        everyone.add(c.author_id)
        district[projects[c.project_id].district][1] += 1
        district[projects[c.project_id].district][3].add(c.author_id)
    pages = {p.id: p for p in db.session.scalars(select(WikiPage))}
    for w in db.session.scalars(select(WikiRevision)):
        day = berlin_day(w.created_at)
        if not in_period(day):
            continue
        weeks[week_label(day)][2] += 1
        weeks[week_label(day)][3].add(w.author_id)
        everyone.add(w.author_id)
        project = projects.get(pages[w.page_id].project_id)
        district[project.district if project else None][2] += 1
        district[project.district if project else None][3].add(w.author_id)
    start = datetime(2026, 6, 1, tzinfo=BERLIN)
    end = datetime(2026, 7, 1, tzinfo=BERLIN)
    new = {u for u in everyone if start <= created[u] < end}
    waits, unanswered = [], 0
    for root in comments:
        if root.parent_id or root.author_id in staff_ids or root.status != "published":
            continue
        if not in_period(berlin_day(root.created_at)):
            continue
        replies = [c.created_at for c in comments if c.root_id == root.id and c.author_id in staff_ids]
        if replies:
            waits.append((min(replies) - root.created_at).total_seconds() / 3600)
        else:
            unanswered += 1
    return {
        "weeks": weeks,
        "channels": channels,
        "district": district,
        "accounts": len(everyone),
        "new": len(new),
        "waits": waits,
        "unanswered": unanswered,
    }


def viewer(role: Role, email: str, name: str) -> User:
    """A staff account with one role, flushed (inside an app context)."""
    user = User(email=email, display_name=name)
    db.session.add(user)
    db.session.flush()
    db.session.add(UserRole(user_id=user.id, role=role.value))
    db.session.flush()
    db.session.refresh(user)
    return user


def admin_viewer() -> User:
    return viewer(Role.ADMIN, "chefin@example.org", "Admin")


def test_admin_figures_equal_an_independent_count(app):
    populate(app)
    with app.app_context():
        want = expected()
        overview = service.build(admin_viewer(), Scope(), PERIOD)
        assert overview.exact
        weeks = {row[0]: row[1:] for row in overview.tables["wochen"].rows}
        for label, (responses, comments, proposals, accounts) in want["weeks"].items():
            assert weeks[label] == [responses, comments, proposals, len(accounts)], label
        assert sum(v[0] for v in want["weeks"].values()) == weeks["Summe"][0]
        assert weeks["Summe"][3] == want["accounts"]
        # Berlin edges: 31 May 22:30 UTC is 1 June; 7 June 22:30 UTC is Monday of week 24;
        # 30 June 22:30 UTC is July.
        assert list(weeks)[:5] == ["KW 23/2026", "KW 24/2026", "KW 25/2026", "KW 26/2026", "KW 27/2026"]
        channels = {row[0]: row[1] for row in overview.tables["kanaele"].rows}
        assert channels["Online"] == want["channels"]["online"]
        assert channels["Telefon"] == want["channels"]["telefon"]
        assert channels["Bürgerbüro"] == want["channels"]["buergerbuero"]
        assert channels["Papier/Post"] == want["channels"]["papier"]
        districts = {row[0]: row[1:] for row in overview.tables["bezirke"].rows}
        for name, (responses, comments, proposals, accounts) in want["district"].items():
            assert districts[name or "ohne Bezirk"] == [responses, comments, proposals, len(accounts)], name
        accounts = overview.tables["konten"].rows
        assert accounts[0][1] == want["accounts"] and accounts[1][1] == want["new"]
        assert accounts[1][2] == want["new"] / want["accounts"] * 100
        every = overview.tables["antwortzeit"].rows[-1]
        assert every[1] == len(want["waits"]) + want["unanswered"]
        assert every[2] == want["unanswered"]
        assert every[3] == statistics.median(want["waits"])


def test_scope_project_and_survey(app):
    ids = populate(app)
    with app.app_context():
        admin = admin_viewer()
        survey = service.build(admin, Scope(survey_id=ids["s3"]), PERIOD)
        assert survey.tables["wochen"].rows[-1][1:4] == [3, 0, 0]
        project = service.build(admin, Scope(project_id=ids["a"]), PERIOD)
        units = [row[0] for row in project.tables["einheiten"].rows]
        assert units == ["Projekt: Altmarkt", "Umfrage: Umfrage Markt"]
        responses = db.session.query(Response).filter_by(survey_id=ids["s1"]).count()
        assert project.tables["einheiten"].rows[0][1] == responses


def test_planner_sees_small_counts_suppressed(app):
    populate(app)
    with app.app_context():
        planner = viewer(Role.PLANNER, "planerin@example.org", "Planerin")
        shown = service.build(planner, Scope(), PERIOD)
        exact = service.build(admin_viewer(), Scope(), PERIOD)
    assert not shown.exact
    small = 0
    for key, table in exact.tables.items():
        for row_exact, row_shown in zip(table.rows, shown.tables[key].rows, strict=True):
            for (_h, kind), value, seen in zip(table.columns, row_exact, row_shown, strict=True):
                if kind != service.COUNT:
                    continue
                if isinstance(value, int) and 0 < value < 5:
                    small += 1
                    assert seen is None, (key, row_exact)
                assert seen is None or seen == value  # never a different figure, only a hidden one
    assert small > 5  # the data has small cells to hide
    # A hidden cell in a column with a published total takes a second one with it.
    for row in shown.tables["kanaele"].rows:
        if row[0] == "Summe":
            assert row[1] is not None
    hidden = [row[1] for row in shown.tables["kanaele"].rows[:-1] if row[1] is None]
    assert len(hidden) != 1
    # Median and share of new accounts: hidden where fewer than five stand behind them.
    assert all(row[3] is None for row in shown.tables["antwortzeit"].rows[:-1])


def test_query_count_does_not_grow_with_the_data(app, client, make_user):
    admin = make_user({Role.ADMIN})
    login(client, admin)
    url = "/auswertung/?von=01.06.2026&bis=30.06.2026"
    populate(app, scale=1)
    with app.app_context(), count_queries(db.engine) as small:
        assert client.get(url).status_code == 200
    populate(app, scale=6)
    with app.app_context(), count_queries(db.engine) as large:
        assert client.get(url).status_code == 200
    assert len(small) == len(large)
    assert len(small) <= 20

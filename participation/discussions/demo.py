"""Living demo discussions on the three Musterstadt projects (idempotent: skipped once a project has comments)."""

# ruff: noqa: E501  (German demo prose reads better unwrapped)

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from participation.accounts.models import User
from participation.accounts.services import create_user
from participation.core.markup import render_markdown
from participation.core.types import utcnow
from participation.discussions.models import Comment, CommentReport, CommentStatus, CommentVote
from participation.extensions import db
from participation.projects.models import Project

ANNA = "buerger@musterstadt.example"
PAULA = "planung@musterstadt.example"
# Extra citizens who only appear as authors (random passwords: nobody logs in as them).
EXTRA_CITIZENS = {
    "jonas.becker@musterstadt.example": "Jonas Becker",
    "fatma.yilmaz@musterstadt.example": "Fatma Yılmaz",
    "klaus.schmidt@musterstadt.example": "Klaus Schmidt",
    "lena.hoffmann@musterstadt.example": "Lena Hoffmann",
    "mehmet.demir@musterstadt.example": "Mehmet Demir",
}
J, F, K, L, M = EXTRA_CITIZENS

# (key, parent key, author, text, up votes by) per project; keys only link replies to parents.
DISCUSSIONS = {
    "neugestaltung-marktplatz": [
        (
            "m1",
            None,
            ANNA,
            "Endlich! Im Sommer ist der Platz eine Hitzeinsel. **Bitte große Bäume**, keine Kübelpflanzen.",
            [J, F, K],
        ),
        (
            "m2",
            "m1",
            J,
            "Sehe ich genauso. Wichtig wäre, dass die Bäume genug Wurzelraum bekommen, sonst stehen sie in zehn Jahren wieder krank da.",
            [ANNA, L],
        ),
        (
            "m3",
            "m2",
            PAULA,
            "Danke für den Hinweis. Geplant sind unterirdische Baumrigolen mit je 30 m³ Wurzelraum und Regenwasserspeicher.",
            [ANNA, J, F],
        ),
        ("m4", "m3", K, "30 m³ klingt gut. Wer gießt in den ersten drei Jahren?", []),
        (
            "m5",
            "m4",
            PAULA,
            "Die Anwuchspflege übernimmt die ausführende Firma für drei Jahre, danach der Bauhof.",
            [K],
        ),
        ("m6", "m5", K, "Prima, dann bin ich beruhigt.", []),
        ("m7", "m6", L, "Vielleicht könnten Schulklassen Baumpatenschaften übernehmen?", [ANNA]),
        (
            "m8",
            "m7",
            F,
            "Die Grundschule am Markt hat so etwas schon mit den Linden in der Kirchgasse gemacht – das lief gut.",
            [],
        ),
        (
            "m9",
            None,
            F,
            "Bitte an genug Sitzplätze **mit Rückenlehne** denken. Meine Mutter kann auf Hockern nicht sitzen.",
            [ANNA, M, L, K],
        ),
        ("m10", "m9", M, "Und Bänke im Schatten, nicht in der prallen Sonne wie vor der Sparkasse.", [F]),
        ("m11", None, K, "Was passiert mit dem Wochenmarkt während der Bauzeit?", [J]),
        (
            "m12",
            "m11",
            PAULA,
            "Der Markt zieht für etwa acht Monate auf den Kirchplatz. Die Stände bleiben in derselben Reihenfolge.",
            [K, F],
        ),
        ("m13", "m12", J, "Gibt es dort Strom für die Kühlwagen?", []),
        (
            "m14",
            None,
            L,
            "Ein Wasserspiel wäre toll für die Kinder. Bitte so, dass man es auch mit dem Rollstuhl erreicht.",
            [F, M],
        ),
    ],
    "radweg-bahnhofstrasse": [
        (
            "r1",
            None,
            J,
            "Ich fahre jeden Tag mit meiner Tochter zur Schule. Variante 1 mit Trennelementen fühlt sich viel sicherer an.",
            [ANNA, L, M],
        ),
        (
            "r2",
            "r1",
            K,
            "Und wo sollen die Kunden der Geschäfte parken? 40 Parkplätze weniger sind für den Einzelhandel hart.",
            [M],
        ),
        (
            "r3",
            "r2",
            ANNA,
            "Das Parkhaus am Bahnhof ist selten mehr als halb voll. Vielleicht kann man dort die erste Stunde kostenlos machen?",
            [J, L],
        ),
        ("r4", "r3", K, "Das wäre ein Kompromiss, mit dem ich leben könnte.", [ANNA]),
        (
            "r5",
            "r2",
            L,
            "Laut Verkehrszählung kommen die meisten Kundinnen zu Fuß oder mit dem Rad. Lieferzonen sind wichtiger als Dauerparkplätze.",
            [J],
        ),
        (
            "r6",
            None,
            M,
            "Bitte die Ampel an der Lindenallee so schalten, dass Radfahrende nicht zweimal halten müssen.",
            [J, F],
        ),
        (
            "r7",
            "r6",
            PAULA,
            "Die Signalsteuerung wird in beiden Varianten angepasst; eine „grüne Welle“ für 20 km/h prüfen wir.",
            [M],
        ),
        (
            "r8",
            None,
            F,
            "Wie breit bleibt der Gehweg bei Variante 2? Mit Kinderwagen ist es dort jetzt schon eng.",
            [L],
        ),
        (
            "r9",
            "r8",
            PAULA,
            "Mindestens 2,50 m auf der ganzen Länge. Die Planskizzen zeigen das im Querschnitt B.",
            [F],
        ),
        ("r10", None, K, "Warum nicht einfach Tempo 30 und keine baulichen Radwege? Das wäre billiger.", []),
        (
            "r11",
            "r10",
            J,
            "Tempo 30 hilft, aber Kinder fahren auf einem getrennten Weg einfach sicherer.",
            [ANNA],
        ),
    ],
    "spielplatz-lindenpark": [
        ("s1", None, L, "Unsere Kinder fragen jeden Tag, wann der Spielplatz wieder aufmacht 🙂", [F, ANNA]),
        (
            "s2",
            "s1",
            PAULA,
            "Wenn das Wetter mitspielt, Ende August. Wir laden hier zur Eröffnung ein.",
            [L, F, M],
        ),
        (
            "s3",
            None,
            M,
            "Gibt es während der Bauzeit eine Ausweichmöglichkeit? Der nächste Spielplatz ist 1,5 km entfernt.",
            [L],
        ),
        (
            "s4",
            "s3",
            PAULA,
            "Der Bolzplatz an der Parkstraße bleibt offen, und am Gemeindezentrum steht eine mobile Spielkiste.",
            [M],
        ),
        (
            "s5",
            None,
            F,
            "Schön, dass die Nestschaukel mit dem Rollstuhl befahrbar ist. Ist der Weg dorthin auch befestigt?",
            [L, ANNA],
        ),
        (
            "s6",
            "s5",
            PAULA,
            "Ja, der Hauptweg bekommt eine wassergebundene Decke mit Randeinfassung, ohne Stufen.",
            [F],
        ),
        ("s7", "s6", F, "Danke, das ist für uns entscheidend.", []),
        ("s8", None, J, "Bitte Mülleimer mit Deckel – sonst holen die Krähen alles wieder raus.", [K, M]),
    ],
}


def _extra_citizens() -> dict[str, User]:
    users = {}
    for email, name in EXTRA_CITIZENS.items():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = create_user(email, name, secrets.token_urlsafe(24), set())
        users[email] = user
    return users


def seed_discussions(users: dict[str, User]) -> None:
    """Add the demo discussions to demo projects that have no comments yet."""
    everyone = {**users, **_extra_citizens()}
    start = utcnow() - timedelta(days=20)
    for slug, comments in DISCUSSIONS.items():
        project = db.session.scalar(select(Project).where(Project.slug == slug))
        if project is None or db.session.scalar(
            select(Comment.id).where(Comment.project_id == project.id).limit(1)
        ):
            continue
        by_key: dict[str, Comment] = {}
        for position, (key, parent_key, author, body, voters) in enumerate(comments):
            parent = by_key.get(parent_key) if parent_key else None
            comment = Comment(
                project_id=project.id,
                parent_id=parent.id if parent else None,
                root_id=parent.thread_root_id if parent else None,
                author_id=everyone[author].id,
                body=body,
                body_html=str(render_markdown(body)),
                status="published",
                created_at=start + timedelta(hours=7 * position + 3),
                score=len(voters),
                upvotes=len(voters),
            )
            db.session.add(comment)
            db.session.flush()
            for voter in voters:
                db.session.add(CommentVote(comment_id=comment.id, user_id=everyone[voter].id, value=1))
            by_key[key] = comment
    db.session.flush()


# --- for the moderation desk's demo (it never writes discussions' rows itself) ---------------------


def demo_comment(project: Project, author: User, body: str, status: CommentStatus, when: datetime) -> Comment:
    """A demo comment with the given status and date; the existing one on later runs."""
    existing = db.session.scalar(
        select(Comment).where(
            Comment.project_id == project.id, Comment.author_id == author.id, Comment.body == body
        )
    )
    if existing is not None:
        return existing
    comment = Comment(
        project_id=project.id,
        author_id=author.id,
        body=body,
        body_html=str(render_markdown(body)),
        status=status.value,
        created_at=when,
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def demo_report(
    comment: Comment, reporter: User | None, reason: str, text: str | None, when: datetime
) -> None:
    """A demo report of the comment, dated; nothing when the reporter is missing or reported already."""
    if reporter is None or db.session.scalar(
        select(CommentReport.id).where(
            CommentReport.comment_id == comment.id, CommentReport.reporter_id == reporter.id
        )
    ):
        return
    db.session.add(
        CommentReport(
            comment_id=comment.id, reporter_id=reporter.id, reason=reason, text=text, created_at=when
        )
    )


def demo_hidden(comment: Comment, moderator: User, reason: str, when: datetime) -> None:
    """A moderator's decision in the past: the comment hidden and its reports resolved at `when`."""
    comment.status = CommentStatus.HIDDEN.value
    comment.hidden_at, comment.hidden_by_id, comment.hidden_reason = when, moderator.id, reason
    for report in db.session.scalars(select(CommentReport).where(CommentReport.comment_id == comment.id)):
        report.resolved_at, report.resolved_by_id, report.resolution = when, moderator.id, "hide"
    db.session.flush()

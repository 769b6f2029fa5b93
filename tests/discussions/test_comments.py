"""Writing comments: post, reply, preview, edit history, delete placeholder, bad input, XSS, rate limit."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from participation.accounts.models import Role, User
from participation.core.models import AuditLogEntry
from participation.discussions.models import Comment, CommentRevision
from participation.extensions import db
from participation.projects.models import Project
from tests.conftest import login, post
from tests.discussions.conftest import load_comment


def comment_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Comment))


def write(client, project, body, parent_id="", **extra):
    return post(client, f"{project.url}/kommentieren", {"body": body, "parent_id": parent_id, **extra})


def test_citizen_comments_and_replies_and_lands_on_the_permalink(
    app, client, project, logged_in, make_user, add_comment
):
    other = make_user(name="Olga Ortsrat")
    parent = add_comment(project, other.id, "Wie breit wird der Weg?")
    logged_in("citizen")
    response = write(client, project, "Mindestens **drei Meter**, bitte.")
    assert response.status_code == 302
    with app.app_context():
        top = db.session.scalar(select(Comment).where(Comment.body == "Mindestens **drei Meter**, bitte."))
        assert top.parent_id is None and top.status == "published"
        assert top.body_html == "<p>Mindestens <strong>drei Meter</strong>, bitte.</p>"
        assert response.headers["Location"] == f"{project.url}/kommentare/{top.id}#kommentar-{top.id}"
    response = write(client, project, "Danke für die Frage!", parent_id=str(parent))
    assert response.status_code == 302
    with app.app_context():
        reply = db.session.scalar(select(Comment).where(Comment.parent_id == parent))
        assert reply.root_id == parent
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Danke für die Frage!" in page and "Antwort an Olga Ortsrat" in page


def test_reply_form_shows_the_parent(client, project, logged_in, make_user, add_comment):
    parent = add_comment(project, make_user().id, "Elternkommentar mit Inhalt")
    logged_in("citizen")
    html = client.get(f"{project.url}/kommentieren?antwort_auf={parent}").get_data(as_text=True)
    assert "Sie antworten auf diesen Kommentar" in html and "Elternkommentar mit Inhalt" in html
    assert f'name="parent_id" type="hidden" value="{parent}"' in html


def test_preview_renders_markdown_and_keeps_the_text_without_storing(app, client, project, logged_in):
    logged_in("citizen")
    response = write(client, project, "Ein *Vorschlag* mit Liste:\n\n- Bäume", preview="1")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<em>Vorschlag</em>" in html and "<li>Bäume</li>" in html
    assert "Ein *Vorschlag* mit Liste:\n\n- Bäume</textarea>" in html
    assert comment_count(app) == 0


BAD_BODIES = {
    "too long": ("x" * 5001, "höchstens 5.000 Zeichen"),
    "empty": ("", "Bitte schreiben Sie einen Text."),
    "only spaces": ("   \u200b ", "keine sichtbaren Zeichen"),
    "NUL byte": ("Hallo\x00Welt", "unzulässige Steuerzeichen"),
}


@pytest.mark.parametrize("case", BAD_BODIES)
def test_bad_bodies_are_refused_with_a_german_message(app, client, project, logged_in, case):
    body, message = BAD_BODIES[case]
    logged_in("citizen")
    response = write(client, project, body)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert comment_count(app) == 0


def test_exactly_5000_characters_are_fine(app, client, project, logged_in):
    logged_in("citizen")
    assert write(client, project, "ä" * 5000).status_code == 302
    assert comment_count(app) == 1


@pytest.mark.parametrize("parent", ["999999", "abc", "foreign"])
def test_bad_parents_are_refused_with_a_message(
    app, client, make_project, logged_in, make_user, add_comment, parent
):
    here, elsewhere = make_project("hier"), make_project("anderswo")
    foreign = add_comment(elsewhere, make_user().id, "Fremd")
    logged_in("citizen")
    response = write(client, here, "Antwort", parent_id=str(foreign) if parent == "foreign" else parent)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    expected = "gehört zu einem anderen Vorhaben" if parent == "foreign" else "gibt es nicht"
    assert expected in html
    assert "Antwort</textarea>" in html
    assert comment_count(app) == 1


def test_replies_to_deleted_or_hidden_comments_are_refused(
    app, client, project, logged_in, make_user, add_comment
):
    author = make_user()
    hidden = add_comment(project, author.id, "weg", status="hidden")
    logged_in("citizen")
    response = write(client, project, "Antwort", parent_id=str(hidden))
    assert response.status_code == 400
    assert "kann nicht mehr geantwortet werden" in response.get_data(as_text=True)


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


XSS = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    "[klick](javascript:alert(1))",
    '<a href="https://evil.example" onclick="steal()">x</a>',
    '"><svg/onload=alert(1)>',
]


@pytest.mark.parametrize("payload", XSS)
def test_xss_in_comment_bodies_is_neutralised(client, project, make_user, add_comment, payload):
    add_comment(project, make_user().id, payload)
    html = client.get(project.url).get_data(as_text=True)
    collector = TagCollector()
    collector.feed(html[html.index('id="diskussion"') - 20 :])
    assert not {"script", "img", "svg"} & {tag for tag, _attrs in collector.tags}
    for _tag, attrs in collector.tags:
        assert not [name for name, _value in attrs if name.startswith("on")]
        assert not [
            value for name, value in attrs if name == "href" and "javascript" in (value or "").lower()
        ]


def test_xss_in_display_names_is_escaped(client, project, make_user, add_comment):
    evil = make_user(name='<script>alert("name")</script>')
    parent = add_comment(project, evil.id, "Hallo")
    add_comment(project, make_user().id, "Antwort", parent_id=parent)
    html = client.get(project.url).get_data(as_text=True)
    assert '<script>alert("name")' not in html
    assert "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;" in html


def test_edit_keeps_the_earlier_version_and_shows_bearbeitet(app, client, project, logged_in, add_comment):
    me = logged_in("citizen")
    comment_id = add_comment(project, me.id, "Erste Fassung")
    form = client.get(project.comment_url(comment_id, "bearbeiten")).get_data(as_text=True)
    assert "Erste Fassung</textarea>" in form
    response = post(client, project.comment_url(comment_id, "bearbeiten"), {"body": "Zweite Fassung"})
    assert response.status_code == 302
    comment = load_comment(app, comment_id)
    assert comment.body == "Zweite Fassung" and comment.edited_at is not None
    with app.app_context():
        revisions = db.session.scalars(
            select(CommentRevision).where(CommentRevision.comment_id == comment_id)
        ).all()
        assert [r.body for r in revisions] == ["Erste Fassung"]
    page = client.get(project.url).get_data(as_text=True)
    assert "Zweite Fassung" in page and "bearbeitet" in page and "Erste Fassung" not in page


def test_edit_preview_keeps_the_text_and_changes_nothing(app, client, project, logged_in, add_comment):
    me = logged_in("citizen")
    comment_id = add_comment(project, me.id, "Original")
    response = post(
        client, project.comment_url(comment_id, "bearbeiten"), {"body": "**Neu**", "preview": "1"}
    )
    assert "<strong>Neu</strong>" in response.get_data(as_text=True)
    assert load_comment(app, comment_id).body == "Original"


def test_moderators_read_earlier_versions(app, client, project, make_user, add_comment):
    author = make_user()
    comment_id = add_comment(project, author.id, "Vorher")
    login(client, author)
    post(client, project.comment_url(comment_id, "bearbeiten"), {"body": "Nachher"})
    moderator_client = app.test_client()
    login(moderator_client, make_user({Role.MODERATOR}))
    html = moderator_client.get(project.comment_url(comment_id, "versionen")).get_data(as_text=True)
    assert "Vorher" in html and "Nachher" in html


def test_delete_leaves_a_placeholder_and_keeps_replies(
    app, client, project, logged_in, make_user, add_comment
):
    me = logged_in("citizen")
    mine = add_comment(project, me.id, "Mein geheimer Text")
    reply = add_comment(project, make_user(name="Rita Reply").id, "Eine Antwort bleibt", parent_id=mine)
    assert client.get(project.comment_url(mine, "loeschen")).status_code == 200
    assert post(client, project.comment_url(mine, "loeschen"), {"confirmed": "1"}).status_code == 302
    comment = load_comment(app, mine)
    assert comment.status == "deleted" and comment.body == "" and comment.body_html == ""
    html = client.get(project.url).get_data(as_text=True)
    assert "Kommentar gelöscht" in html and "Mein geheimer Text" not in html
    assert "Eine Antwort bleibt" in html and f'id="kommentar-{reply}" class="comment depth-1"' in html


def test_closed_discussion_refuses_new_comments(app, client, project, logged_in):
    with app.app_context():
        db.session.get(Project, project.id).discussion_open = False
        db.session.commit()
    logged_in("citizen")
    assert "Die Diskussion zu diesem Vorhaben ist geschlossen." in client.get(project.url).get_data(
        as_text=True
    )
    assert write(client, project, "Noch etwas").status_code == 403
    assert comment_count(app) == 0


def test_new_accounts_are_rate_limited_with_german_message_and_text_kept(app, client, project, logged_in):
    logged_in("citizen")
    for number in range(5):
        assert write(client, project, f"Beitrag {number}").status_code == 302
    response = write(client, project, "Der sechste Beitrag")
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Neue Konten können höchstens 5 Kommentare in 10 Minuten schreiben." in html
    assert "Der sechste Beitrag</textarea>" in html
    assert comment_count(app) == 5


def test_older_accounts_are_not_rate_limited(app, client, project, make_user):

    user = make_user()
    with app.app_context():
        row = db.session.get(User, user.id)
        row.created_at = row.created_at - timedelta(days=30)
        db.session.commit()
    login(client, user)
    for number in range(6):
        assert write(client, project, f"Beitrag {number}").status_code == 302
    assert comment_count(app) == 6


def test_moderator_hides_and_restores_in_place_with_audit_log(
    app, client, project, make_user, add_comment, logged_in
):
    comment_id = add_comment(project, make_user().id, "Grenzwertiger Text")
    moderator = logged_in("moderator")
    hide = project.comment_url(comment_id, "ausblenden")
    assert "Beleidigung oder Hassrede" in client.get(hide).get_data(as_text=True)  # the categories
    assert post(client, hide, {"reason_code": "beleidigung", "reason": ""}).status_code == 400
    no_category = post(client, hide, {"reason_code": "", "reason": "Beleidigung"})
    assert no_category.status_code == 400 and "Bitte wählen Sie einen Grund." in no_category.get_data(
        as_text=True
    )
    unknown = post(client, hide, {"reason_code": "erfunden", "reason": "Beleidigung"})
    assert unknown.status_code == 400 and "Diesen Grund gibt es nicht" in unknown.get_data(as_text=True)
    assert load_comment(app, comment_id).status == "published"
    assert post(client, hide, {"reason_code": "beleidigung", "reason": "Beleidigung"}).status_code == 302
    assert load_comment(app, comment_id).status == "hidden"
    assert (
        post(client, project.comment_url(comment_id, "wiederherstellen"), {"reason": "Irrtum"}).status_code
        == 302
    )
    comment = load_comment(app, comment_id)
    assert comment.status == "published" and comment.hidden_reason is None
    with app.app_context():
        entries = db.session.scalars(select(AuditLogEntry).order_by(AuditLogEntry.id)).all()
        logged = [
            (e.action, e.actor_id, e.target_id, e.reason, e.details.get("reason_code"))
            for e in entries
            if e.action.startswith("moderation.")
        ]
    assert logged == [
        ("moderation.hide", moderator.id, comment_id, "Beleidigung", "beleidigung"),
        ("moderation.restore", moderator.id, comment_id, "Irrtum", None),
    ]

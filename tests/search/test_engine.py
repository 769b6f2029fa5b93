"""The search engine on SQLite and on PostgreSQL (TEST_DATABASE_URL): German word forms, the same hits
on both databases, and only what an anonymous visitor may read, after every kind of write."""

from __future__ import annotations

import pytest

from participation.core.fulltext import parse_query, search
from participation.core.fulltext.text import snippet, stems_of
from participation.core.types import utcnow
from participation.discussions import services as discussions
from participation.discussions.models import CommentStatus
from participation.extensions import db
from participation.surveys.models import Survey
from participation.wiki import services as wiki
from participation.wiki.models import WikiPage, WikiRevision

from .conftest import hits, kinds_found


def test_german_word_forms(world):
    assert kinds_found("Bäume") == ["comment", "project"]  # "Baum" in the comment
    assert kinds_found("Baum") == ["comment", "project"]
    assert kinds_found("Radwege") == ["comment", "project"]  # "Radweg" in the description's Markdown
    assert kinds_found("Strasse") == ["wiki"]  # "Straße" on the wiki page
    assert kinds_found("Straße") == ["wiki"]
    assert kinds_found("öffnungszeit") == ["wiki"]
    assert kinds_found("Bäume Radweg") == ["comment", "project"]  # words are ANDed
    assert kinds_found("Bäume Straße") == []


# One table of queries and the hits they must give: the same on SQLite (FTS5 + Python Snowball stems)
# and on PostgreSQL ('german' configuration); CI runs this file on both.
SAME_HITS = {
    "Bäume": {("comment", "c1"), ("project", "p1")},
    "Lindenpark": {("project", "p1")},
    "Linde": {("project", "p1")},
    "EICHEN": {("project", "p1")},
    "Radwege": {("comment", "c1"), ("project", "p1")},
    "radweg schön": {("comment", "c1")},
    "Strasse Markt": {("wiki", "w1")},
    "Büros": set(),  # Snowball keeps the plural s of loanwords: the same on both databases
    "Bürgerbüro": {("wiki", "w1")},
    "wäre": {("comment", "c1")},
    "Zeiten": {("wiki", "w1")},
    "Spielplatz": set(),
    '"Baum" (': {("comment", "c1"), ("project", "p1")},  # FTS syntax is just words
    "Baum OR Wald": set(),  # ... so OR is a word too, and every word must occur
    "Baum*": {("comment", "c1"), ("project", "p1")},
}


@pytest.mark.parametrize("text", sorted(SAME_HITS))
def test_same_hits_on_both_databases(world, text):
    names = {
        f"/projekte/lindenpark/kommentare/{world.ids['comment']}#kommentar-{world.ids['comment']}": "c1",
        "/projekte/lindenpark": "p1",
        "/wiki/oeffnungszeiten-buergerbuero": "w1",
    }
    found = {(hit.kind, names.get(hit.url, hit.url)) for hit in search(parse_query(text)).hits}
    assert found == SAME_HITS[text]


def test_only_stop_words_or_nothing_is_an_empty_query(world):
    for text in ("", "   ", "der die das", "und mit"):
        query = parse_query(text)
        assert query.empty
        assert search(query).hits == []


def test_stems_match_postgres_snowball():
    assert stems_of("Die Bäume an der Straße, Radwege und Strasse") == ["baum", "strass", "radweg", "strass"]


def test_snippet_is_escaped_and_marks_matches():
    text = "Vorher <script>alert(1)</script> kommen viele Bäume & ein Baum."
    marked = str(snippet(text, parse_query("Baum")))
    assert "<script>" not in marked
    assert "&lt;script&gt;" in marked
    assert "<mark>Bäume</mark>" in marked and "<mark>Baum</mark>" in marked
    assert "&amp;" in marked


def test_pending_wiki_text_never_found_until_approved(world):
    page = db.session.get_one(WikiPage, world.ids["wiki"])
    revision = wiki.propose_edit(
        world.citizen,
        page,
        title=page.title,
        body="Neu: Quokkamarker im Bürgerbüro.",
        summary="",
        base_revision_id=page.approved_revision_id,
    )
    db.session.commit()
    assert revision.is_pending
    assert hits("Quokkamarker") == set()
    wiki.approve_revision(world.moderator, revision, revision.version)
    db.session.commit()
    assert kinds_found("Quokkamarker") == ["wiki"]
    assert hits("Markt") == set()  # the old text left the index with the approval


def test_rejected_wiki_change_never_found(world):
    page = db.session.get_one(WikiPage, world.ids["wiki"])
    revision = wiki.propose_edit(
        world.citizen,
        page,
        title=page.title,
        body="Abgelehnt: Wombatmarker.",
        summary="",
        base_revision_id=page.approved_revision_id,
    )
    db.session.commit()
    wiki.reject_revision(world.moderator, revision, revision.version, "Nicht belegt.")
    db.session.commit()
    assert hits("Wombatmarker") == set()
    assert kinds_found("Markt") == ["wiki"]


def test_new_page_proposed_by_a_citizen_is_not_found(world):
    revision = wiki.create_page(world.citizen, title="Geheimseite", body="Kakadumarker", summary="")
    db.session.commit()
    assert db.session.get_one(WikiRevision, revision.id).is_pending
    assert hits("Kakadumarker") == set()


def test_hidden_comment_leaves_the_index(world):
    comment = discussions.post_comment(world.citizen, world.project, "Ein Dachsmarker im Park.")
    db.session.commit()
    assert kinds_found("Dachsmarker") == ["comment"]
    discussions.hide_comment(world.moderator, comment, "Ohne Quelle behauptet.", "quellen")
    db.session.commit()
    assert comment.status == CommentStatus.HIDDEN.value
    assert hits("Dachsmarker") == set()
    discussions.restore_comment(world.moderator, comment, "Doch in Ordnung.")
    db.session.commit()
    assert kinds_found("Dachsmarker") == ["comment"]


def test_held_comment_never_found(world):
    world.project.premoderation = True
    db.session.commit()
    comment = discussions.post_comment(world.citizen, world.project, "Ein Otternmarker wartet.")
    db.session.commit()
    assert comment.status == CommentStatus.PENDING.value
    assert hits("Otternmarker") == set()


def test_deleted_comment_leaves_the_index(world):
    comment = discussions.post_comment(world.citizen, world.project, "Ein Igelmarker.")
    db.session.commit()
    discussions.delete_comment(world.citizen, world.project, comment)
    db.session.commit()
    assert hits("Igelmarker") == set()


def test_edited_comment_is_found_by_its_new_text(world):
    comment = discussions.post_comment(world.citizen, world.project, "Erst Fuchsmarker.")
    db.session.commit()
    discussions.edit_comment(world.citizen, world.project, comment, "Dann Luchsmarker.")
    db.session.commit()
    assert hits("Fuchsmarker") == set()
    assert kinds_found("Luchsmarker") == ["comment"]


def test_draft_survey_found_only_once_published(world, make_survey):
    survey_id = make_survey("Umfrage Biberplanung", "Es geht um den Bibermarker am Fluss.")
    assert hits("Bibermarker") == set()
    survey = db.session.get_one(Survey, survey_id)
    survey.published_at = utcnow()  # what Survey.publish() sets (it also wants a question)
    db.session.commit()
    assert kinds_found("Bibermarker") == ["survey"]
    db.session.delete(survey)
    db.session.commit()
    assert hits("Bibermarker") == set()


def test_index_follows_the_write_before_commit(world):
    comment = discussions.post_comment(world.citizen, world.project, "Ein Elchmarker.")
    assert kinds_found("Elchmarker") == ["comment"]  # same transaction, no commit yet
    db.session.rollback()
    assert hits("Elchmarker") == set()
    assert comment is not None


def test_reindex_rebuilds_the_same_index(world, cli):
    before = hits("Bäume") | hits("Strasse")
    db.session.commit()
    result = cli("search", "reindex")
    assert result.exit_code == 0, result.output
    assert "Dokumente im Suchindex" in result.output
    db.session.expire_all()
    assert hits("Bäume") | hits("Strasse") == before


def test_type_filter_and_keyset_paging(world):
    for number in range(27):
        discussions.post_comment(world.citizen, world.project, f"Nummer {number}: ein Rehmarker.")
    db.session.commit()
    first = search(parse_query("Rehmarker"), "comment")
    assert first.total == 27 and len(first.hits) == 20 and first.next_cursor
    second = search(parse_query("Rehmarker"), "comment", first.next_cursor)
    assert len(second.hits) == 7 and second.next_cursor is None
    urls = [hit.url for hit in first.hits + second.hits]
    assert len(set(urls)) == 27
    assert search(parse_query("Rehmarker"), "project").hits == []
    assert search(parse_query("Rehmarker"), None, "kaputt.x").total == 27


def test_a_word_in_the_title_ranks_above_one_in_the_text(world):
    for number in range(3):
        discussions.post_comment(world.citizen, world.project, f"Baum {number}.")
    db.session.commit()
    first = search(parse_query("Bäume")).hits[0]
    assert (first.kind, str(first.title)) == ("project", "Neue <mark>Bäume</mark> im Lindenpark")


def test_decomposed_umlauts_are_the_same_letters(world):
    decomposed = "Ba\u0308ume"  # "a" and a combining diaeresis, as some keyboards send "ä"
    assert kinds_found(decomposed) == ["comment", "project"]
    comment = discussions.post_comment(world.citizen, world.project, "Ein Fo\u0308rderantrag.")
    db.session.commit()
    assert kinds_found("Förderantrag") == ["comment"]
    assert comment.id

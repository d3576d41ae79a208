"""The full-text index behind search (communes/fulltext.py), on SQLite and PostgreSQL alike:
it holds every row's words from the moment they are written, follows edits and deletes in the
same transaction, and keeps search at a fixed number of queries."""

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from communes.fulltext import SEARCHED, fts_table
from inspections.models import Difficulty, Directive, UnitReport
from recommendations import services
from recommendations.search import LIMIT, search

from . import factories


def texts(results, kind):
    return [getattr(row, "name", None) or getattr(row, "text", None) or row.search_text
            for row in getattr(results, kind)]


@pytest.fixture
def session(province):
    return factories.SessionFactory(group__round__province=province)


def test_a_word_nobody_searched_finds_its_items_of_every_kind(office_user, province, session):
    factories.UnitFactory(province=province, name="Khuổi Phầy")
    factories.RecommendationFactory(session=session, text="Làm đường vào bản Khuổi Phầy")
    Difficulty.objects.create(session=session, category=factories.CategoryFactory(),
                              text="Đường lên Khuổi Phầy sạt lở")
    Directive.objects.create(session=session, text="Khắc phục sạt lở ở Khuổi Phầy")
    UnitReport.objects.create(session=session, unit=factories.UnitFactory(province=province),
                              achievements="Bản Khuổi Phầy có điện lưới")
    results = search(office_user, "khuoi phay")
    assert texts(results, "units") == ["Khuổi Phầy"]
    assert texts(results, "recommendations") == ["Làm đường vào bản Khuổi Phầy"]
    assert texts(results, "difficulties") == ["Đường lên Khuổi Phầy sạt lở"]
    assert texts(results, "directives") == ["Khắc phục sạt lở ở Khuổi Phầy"]
    assert [r.achievements for r in results.reports] == ["Bản Khuổi Phầy có điện lưới"]
    # Whole syllables only, in any order; the phrase ahead of words found apart.
    assert search(office_user, "khuoi ph").recommendations == []
    factories.RecommendationFactory(session=session, text="Phầy và Khuổi")
    assert texts(search(office_user, "khuoi phay"), "recommendations") == [
        "Làm đường vào bản Khuổi Phầy", "Phầy và Khuổi"]


def test_the_index_follows_an_edit_and_a_delete_in_the_same_transaction(office_user, session):
    recommendation = factories.RecommendationFactory(session=session,
                                                     text="Cấp kinh phí sửa cầu treo Nà Lầm")
    assert texts(search(office_user, "na lam"), "recommendations") == [recommendation.text]
    recommendation.text = "Cấp kinh phí sửa cầu treo Bản Chắt"
    recommendation.save()
    assert search(office_user, "na lam").recommendations == []
    assert texts(search(office_user, "ban chat"), "recommendations") == [recommendation.text]
    recommendation.delete()
    assert search(office_user, "ban chat").recommendations == []


def test_scope_holds_for_words_nobody_searched(office_user, other_office_user, head_a,
                                                department_a, session, other_province):
    routed = factories.RecommendationFactory(session=session, text="Hỗ trợ giống chè Shan tuyết")
    factories.RecommendationFactory(session=session, text="Trồng chè Shan tuyết ở Mẫu Sơn")
    factories.RecommendationFactory(
        session=factories.SessionFactory(group__round__province=other_province),
        text="Chè Shan tuyết Cao Bằng")
    services.recommendation_route(recommendation=routed, lead_department=department_a,
                                  by=office_user)
    assert len(search(office_user, "shan tuyet").recommendations) == 2
    assert texts(search(other_office_user, "shan tuyet"), "recommendations") == [
        "Chè Shan tuyết Cao Bằng"]
    assert texts(search(head_a, "shan tuyet"), "recommendations") == [routed.text]


def test_search_reads_a_fixed_number_of_queries_however_many_rows_match(office_user, province,
                                                                        session):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            results = search(office_user, "tram y te")
        return len(captured), results

    def add(count):
        category = factories.CategoryFactory()
        for n in range(count):
            factories.UnitFactory(province=province, name=f"Trạm Y Tế {n}")
            factories.RecommendationFactory(session=session, text=f"Sửa trạm y tế số {n}")
            factories.RecommendationFactory(session=session, text=f"Trạm xá thành y tế {n}")
            Difficulty.objects.create(session=session, category=category,
                                      text=f"Trạm y tế xuống cấp {n}")
            Directive.objects.create(session=session, text=f"Xây trạm y tế {n}")

    add(2)
    queries()  # the user's scope, read once
    few, results = queries()
    add(2 * LIMIT)
    many, results = queries()
    assert len(results.recommendations) == LIMIT and len(results.units) == LIMIT
    # Per kind, the candidates' ids and ranks, then the rows shown: two queries, however many
    # rows match.
    assert many == few


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 triggers are SQLite's")
@pytest.mark.django_db
def test_every_searched_table_keeps_its_fts5_triggers():
    """A later migration that alters one of these tables makes Django rebuild it on SQLite,
    which drops its triggers: the index would silently stop following writes."""
    from django.apps import apps

    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {name for (name,) in cursor.fetchall()}
    for app_label, model_name in SEARCHED:
        fts = fts_table(apps.get_model(app_label, model_name)._meta.db_table)
        assert {f"{fts}_insert", f"{fts}_delete", f"{fts}_update"} <= triggers


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 triggers are SQLite's")
def test_a_table_that_lost_its_triggers_gets_them_back_after_migrate(office_user, session):
    """As after a migration that rebuilt the table: the triggers are put back by post_migrate
    and what was written without them is found."""
    from django.apps import apps
    from django.core.management.sql import emit_post_migrate_signal

    table = Difficulty._meta.db_table
    fts = fts_table(table)
    with connection.cursor() as cursor:
        for event in ("insert", "delete", "update"):
            cursor.execute(f"DROP TRIGGER {fts}_{event}")
    Difficulty.objects.create(session=session, category=factories.CategoryFactory(),
                              text="Thiếu máy phát điện dự phòng")
    assert search(office_user, "may phat dien").difficulties == []  # the index missed it

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default",
                             apps=apps, plan=[])

    assert [d.text for d in search(office_user, "may phat dien").difficulties] == [
        "Thiếu máy phát điện dự phòng"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                       [f"{fts}_%"])
        assert len(cursor.fetchall()) == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes were PostgreSQL's")
@pytest.mark.django_db
def test_no_trigram_index_is_left_on_the_search_text():
    """Search reads the full-text index alone; a trigram index would only slow every write."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexdef LIKE %s",
                       ["%gin_trgm_ops%"])
        assert cursor.fetchall() == []


def test_a_common_word_ranks_the_latest_matches(office_user, session, monkeypatch):
    """Past ALL_CANDIDATES matches, the candidates are the latest ones, found from a range of
    ids at the end of the table, in as many queries as for a rare word."""
    from recommendations import search as module

    monkeypatch.setattr(module, "ALL_CANDIDATES", 5)
    monkeypatch.setattr(module, "NEWEST_CANDIDATES", 25)
    old = factories.RecommendationFactory(session=session, text="Nước sạch cho bản cũ")
    for n in range(40):
        factories.RecommendationFactory(session=session, text=f"Cấp nước sạch đợt {n}")
    first = factories.RecommendationFactory(session=session, text="Nước sạch cho bản mới")
    found = texts(search(office_user, "nuoc sach"), "recommendations")
    # What starts with the words first, newest first, however old (read by a query of its
    # own, not among the latest candidates); then the latest.
    assert found[:2] == [first.text, old.text]
    assert found[2:] == [f"Cấp nước sạch đợt {n}" for n in range(39, 21, -1)]
    with CaptureQueriesContext(connection) as common:
        search(office_user, "nuoc sach")
    with CaptureQueriesContext(connection) as rare:
        search(office_user, "ban moi")
    assert len(common) - len(rare) <= 4 + (2 if connection.vendor == "postgresql" else 0)


@pytest.mark.parametrize("widenings", [2, 0])
def test_a_word_common_only_in_old_rows_still_fills_the_page(office_user, session, monkeypatch,
                                                              widenings):
    """The range of ids for the latest matches is guessed from the first matches the index
    gives, the oldest: "huyen", common in old rows and absent lately, gave a range with none.
    It is widened, and past WIDENINGS the latest are read from all the matches."""
    from recommendations import search as module

    monkeypatch.setattr(module, "ALL_CANDIDATES", 5)
    monkeypatch.setattr(module, "NEWEST_CANDIDATES", 25)
    monkeypatch.setattr(module, "WIDENINGS", widenings)
    for n in range(30):
        factories.RecommendationFactory(session=session, text=f"Sửa nhà văn hoá huyện đợt {n}")
    for n in range(100):
        factories.RecommendationFactory(session=session, text=f"Làm đường liên xã đợt {n}")
    found = texts(search(office_user, "huyen"), "recommendations")
    assert found == [f"Sửa nhà văn hoá huyện đợt {n}" for n in range(29, 9, -1)]


def test_a_text_starts_with_the_words_as_whole_syllables(office_user, session):
    """"hoa" is not the start of "Hoàng": a text starting so ranks as one with the word inside."""
    factories.RecommendationFactory(session=session, text="Hoa ban nở muộn")
    factories.RecommendationFactory(session=session, text="Hoàng hoa thám")
    factories.RecommendationFactory(session=session, text="Trồng hoa ban")
    factories.RecommendationFactory(session=session, text="Hoa")
    assert texts(search(office_user, "hoa"), "recommendations") == [
        "Hoa", "Hoa ban nở muộn", "Trồng hoa ban", "Hoàng hoa thám"]


def test_rows_are_shown_through_the_scope_and_a_deleted_one_is_left_out(
        office_user, session, other_province, monkeypatch):
    """Between choosing the ids and reading the rows one may be deleted; and rows are read
    through the user's scope, not the whole table."""
    from recommendations import search as module

    mine = factories.RecommendationFactory(session=session, text="Kè suối Nà Pàn")
    theirs = factories.RecommendationFactory(
        session=factories.SessionFactory(group__round__province=other_province),
        text="Kè suối Bản Giới")
    best = module._best
    monkeypatch.setattr(module, "_best",
                        lambda candidates, order: best(candidates, order) + [theirs.pk, 10**9])
    assert texts(search(office_user, "ke suoi"), "recommendations") == [mine.text]


def test_search_plans_on_the_connection_it_reads_from(national_viewer, session, settings,
                                                      monkeypatch):
    """With a replica (config/routers.py), a GET's reads and the planner's settings go to it,
    not to "default". The replica here is the test database itself, as in Django's TEST
    MIRROR, under the alias the router names."""
    from config import routers
    from recommendations import search as module

    factories.RecommendationFactory(session=session, text="Cấp nước sinh hoạt bản Pác Bó")
    settings.DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
    connections[routers.REPLICA] = connections["default"]
    token = routers._reads_from_replica.set(True)
    used = []
    real = module.planner

    def planner(using="default", **options):
        used.append(using)
        return real(using, **options)

    monkeypatch.setattr(module, "planner", planner)
    try:
        found = texts(search(national_viewer, "pac bo"), "recommendations")
    finally:
        routers._reads_from_replica.reset(token)
        del connections[routers.REPLICA]
    assert found == ["Cấp nước sinh hoạt bản Pác Bó"]
    assert used and set(used) == {routers.REPLICA}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner settings are PostgreSQL's")
@pytest.mark.django_db
def test_a_failing_query_under_the_planner_raises_its_own_error():
    """The settings are not put back by hand after a failure (that would raise "current
    transaction is aborted" instead); the savepoint's rollback puts them back."""
    from communes.fulltext import planner

    with transaction.atomic():
        with (pytest.raises(DatabaseError, match="division by zero"),
              planner("default", enable_seqscan="off"), connection.cursor() as cursor):
            cursor.execute("SELECT 1 / 0")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_seqscan')")
            assert cursor.fetchone() == ("on",)

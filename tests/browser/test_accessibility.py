"""Every page each role reaches passes axe-core (WCAG 2.2 A/AA) with no violation, at 1366 and at
375 px (where no page may be wider than the screen), and the Nu Html Checker with no error; and
so do the pages a failed form leaves.

The pages are not listed here: they are the rows of the permission matrix
(tests/test_permission_matrix.py) that answer a role 200, built from the Lạng Sơn demo, so a
page that gets a row there is checked here too. A row that needs an object the demo does not
provide, or a role without a demo account, fails with a message saying what to add. Each POST
form of the office's and department head's pages is then submitted emptied, to check the page
that comes back with its errors. The Nu Html Checker runs once, over all the HTML collected.
"""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from communes import roles
from communes import services as communes_services
from communes.documents import Letterhead
from communes.models import AdministrativeUnit, CalendarDay, IssuingBody
from inspections import services as inspection_services
from inspections.models import DirectiveFollowUp, Session
from recommendations import notice, services
from recommendations.demo import DEMO_PASSWORD
from recommendations.models import Recommendation, Status
from recommendations.webhooks import services as webhook_services
from recommendations.webhooks.models import Delivery
from tests import factories
from tests.browser.audit import Served, axe_source, axe_violations, vnu_errors
from tests.test_permission_matrix import MATRIX, ROLES

pytestmark = [pytest.mark.browser, pytest.mark.layout, pytest.mark.django_db(transaction=True)]

# The matrix's roles as the demo's accounts (recommendations/demo.py).
ACCOUNTS = {"office": "vanphong", "head_a": "sonoivu", "staff_a": "sonoivu.cv",
            "head_b": "sokhcn", "leader": "lanhdao", "admin": "admin",
            # Made by demo_objects for the unit that raised the chosen recommendation, and for
            # a unit of another session.
            "ward_a": "ward.a.demo", "ward_b": "ward.b.demo"}
# Roles whose forms are submitted emptied; the others' pages are read-only or a subset.
SUBMITTING = ("office", "head_a")
MAX_FORMS_PER_PAGE = 6
# Each page is checked at a desk and on a phone.
DESK, PHONE = {"width": 1366, "height": 900}, {"width": 375, "height": 812}
# Fields a failed submission empties; choices are left, so the form still reads as filled in.
EMPTY_FIELDS = """form => {
  form.noValidate = true;
  const details = form.closest("details"); if (details) details.open = true;
  form.querySelectorAll("input:not([type]), input[type=text], input[type=email], "
    + "input[type=password], input[type=number], textarea").forEach(e => { e.value = ""; });
}"""


def demo_objects():
    """The objects the matrix's rows are built from, taken from the demo: a recommendation in
    progress at department A (Sở Nội vụ), not shared with department B, with a file; its
    session, put back to draft so that its recording page can be edited."""
    recommendation = Recommendation.objects.filter(
        lead_department__short_code="SNV", status=Status.IN_PROGRESS).exclude(
        cooperating_departments__short_code="SKHCN").select_related("session__group__round").first()
    head = recommendation.lead_department.people.get(user__username=ACCOUNTS["head_a"]).user
    response = services.recommendation_respond(
        recommendation=recommendation, by=head, text="Báo cáo tiến độ kèm văn bản.", progress=True,
        files=[SimpleUploadedFile("Báo cáo.pdf", b"%PDF-1.4 test", "application/pdf")])
    session = recommendation.session
    Session.objects.filter(pk=session.pk).update(status=Session.Status.DRAFT)
    unit = recommendation.units.first()
    other = AdministrativeUnit.objects.filter(province=unit.province).exclude(
        sessions=session).first()
    wards = {}
    for role, ward_unit in (("ward_a", unit), ("ward_b", other)):
        user = factories.profile(factories.UserFactory(username=ACCOUNTS[role],
                                                       role=roles.UNIT_STAFF),
                                 province=ward_unit.province, unit=ward_unit)
        user.set_password(DEMO_PASSWORD)
        user.save()
        wards[role] = user
    follow_up = DirectiveFollowUp.objects.filter(
        directive__session=session, unit=unit, status=DirectiveFollowUp.Status.PENDING).first()
    directive = follow_up.directive
    office = get_user_model().objects.get(username=ACCOUNTS["office"])
    webhook = webhook_services.subscription_create(
        by=office, province=session.group.round.province, name="LGSP",
        url="http://127.0.0.1:9/hook", events=["recommendation.routed"])[0]
    return {"webhook": webhook, "webhook_delivery": Delivery.objects.create(
                subscription=webhook, event="recommendation.routed",
                object_type="recommendation", object_id=recommendation.pk, payload={}),
            "round": session.group.round, "group": session.group, "session": session,
            "unit": unit, "recommendation": recommendation,
            "calendar_day": CalendarDay.objects.first(), "category": recommendation.category,
            "person": head,
            "attachment": response.attachments.get(), "directive": directive,
            "follow_up": follow_up,
            "unit_report": services.unit_directive_report(follow_up=follow_up,
                                                          by=wards["ward_a"], text="Đã làm"),
            "api_token": communes_services.api_token_create(user=head, name="Kho")[0],
            "issued_document": _issued_document(session),
            "issuing_body": IssuingBody.objects.get_or_create(
                province=session.group.round.province, kind=IssuingBody.Kind.PARTY)[0]}


def _issued_document(session):
    """The session's conclusion notice, issued by the demo's office into the register."""
    office = get_user_model().objects.get(username=ACCOUNTS["office"])
    content = notice.notice_content(session)
    return inspection_services.document_issue(
        province=session.group.round.province, by=office, filename="thong-bao-ket-luan",
        session=session, write=lambda letterhead: notice.docx_notice(content, letterhead),
        letterhead=Letterhead(kind="party", issuer="Tỉnh ủy Lạng Sơn", symbol="TU",
                              type_code=notice.TYPE_CODE, doc_type=notice.DOC_TYPE,
                              summary="kết luận của Tổ công tác số 1", place="Lạng Sơn",
                              date=session.date, recipients="Như trên",
                              signer="T/L BAN THƯỜNG VỤ\nCHÁNH VĂN PHÒNG"))


def pages_for(role, objects):
    """(name, path) of every page of the matrix that answers `role` 200."""
    pages = []
    for name, (builder, expected, *method) in MATRIX.items():
        if method == ["post"] or expected.get(role) != 200:
            continue
        try:
            kwargs = builder(objects)
        except KeyError as missing:
            pytest.fail(f"{name}: demo_objects() in {__file__} provides no {missing}")
        pages.append((name, reverse(name, kwargs=kwargs)))
    return pages


def _session(o, query=""):
    return reverse("recommendations:session_detail", kwargs={"pk": o["session"].pk}) + query


def _final_session(o):
    final = Session.objects.filter(status=Session.Status.FINAL).first()
    return reverse("recommendations:session_detail", kwargs={"pk": final.pk})


def _other_departments_item(o):
    lead = o["recommendation"].lead_department
    other = Recommendation.objects.exclude(lead_department=lead).exclude(
        cooperating_departments=lead).first()
    return reverse("recommendations:detail", kwargs={"pk": other.pk})


def _api_docs(o):
    return reverse("api:docs")


# Pages and states the matrix does not list: tabs, a search, a final session (with its reopen
# button), Django's auth pages, error pages, the API's documentation (the matrix leaves the
# API's addresses to tests/api/). (label, path builder, expected status)
EXTRA = {
    "office": [("session tab", lambda o: _session(o, "?tab=difficulties"), 200),
               ("session tab", lambda o: _session(o, "?tab=directives"), 200),
               ("final session", _final_session, 200),
               ("search", lambda o: reverse("recommendations:search") + "?q=Hòa", 200),
               ("filtered list", lambda o: reverse("recommendations:list")
                + "?status=routed&deadline=overdue", 200),
               ("password change", lambda o: reverse("password_change"), 200),
               ("API documentation", _api_docs, 200)],
    "head_a": [("inbox tab", lambda o: reverse("recommendations:inbox") + "?tab=overdue", 200),
               ("search", lambda o: reverse("recommendations:search") + "?q=cán bộ", 200),
               ("forbidden", _session, 403),
               ("not found", _other_departments_item, 404),
               ("API documentation", _api_docs, 200)],
    "ward_a": [("API documentation", _api_docs, 403)],
}


@pytest.fixture
def audit(live_server, browser, tmp_path):
    call_command("load_demo", stdout=StringIO())
    served = Served(origin=live_server.url)
    state = {"label": "", "violations": []}
    crumbs = {}  # (the user's browser context, href): the status it answered

    def open_as(role):
        context = browser.new_context(locale="vi-VN", viewport=DESK)
        context.add_init_script(script=axe_source())
        page = context.new_page()
        page.set_default_timeout(15_000)
        served.watch(page, lambda: state["label"])
        if role != "anonymous":
            if role not in ACCOUNTS:
                pytest.fail(f"role {role!r} has no demo account in ACCOUNTS ({__file__})")
            page.goto(f"{live_server.url}/accounts/login/")
            page.get_by_label("Tên đăng nhập").fill(ACCOUNTS[role])
            page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
            served._pending.clear()  # the login page is checked as the anonymous user's
        return page

    def check(page, label):
        state["label"] = label
        page.wait_for_load_state()
        served.collect()
        state["violations"] += [f"{label}: {v}" for v in axe_violations(page)]
        # The same page on a phone: axe again (targets, reflow), and nothing wider than the
        # screen (WCAG 1.4.10: no scrolling sideways at 320 CSS px; 375 is the usual phone).
        page.set_viewport_size(PHONE)
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > PHONE["width"]:
            state["violations"].append(f"{label} at {PHONE['width']} px: {wide} px wide")
        state["violations"] += [f"{label} at {PHONE['width']} px: {v}"
                                for v in axe_violations(page)]
        page.set_viewport_size(DESK)

    def visit(page, label, url, status=200):
        state["label"] = label
        try:
            response = page.goto(f"{live_server.url}{url}")
        except PlaywrightError as error:
            # A download (an attachment) is no page: its status is checked, no more.
            if "Download is starting" not in str(error):
                raise
            answer = page.request.get(f"{live_server.url}{url}", max_redirects=0)
            assert answer.status == status, (label, url, answer.status)
            return False
        assert response.status == status, (label, url, response.status)
        if "text/html" not in response.headers.get("content-type", ""):
            return False  # the unit app's manifest and service worker: no page to check
        check(page, label)
        # Breadcrumbs lead only to pages the user may open (each crumb asked once per user:
        # most pages share their first crumbs).
        for href in page.locator(".crumbs a").evaluate_all("links => links.map(a => a.href)"):
            if (page.context, href) in crumbs:
                continue
            crumbs[page.context, href] = crumb = page.request.get(href, max_redirects=0).status
            if crumb != 200:
                state["violations"].append(f"{label}: breadcrumb {href} answers {crumb}")
        return True

    yield open_as, visit, check, state, served

    served.collect()
    problems = [*state["violations"], *served.refused,
                *vnu_errors(served.documents, tmp_path)]
    assert not problems, f"{len(served.documents)} pages checked:\n" + "\n".join(problems)


# A form's kind: the names of its fields, without row numbers. The follow-up page's many
# forms, for one, are one kind; each kind's failed state is checked once per role.
FORM_KIND = """form => Array.from(form.elements).map(e => e.name.replace(/[0-9]+/g, "#"))
  .filter(Boolean).sort().join(" ") + " "
  + (form.getAttribute("action") || "").replace(/[0-9]+/g, "#")"""


FORMS = "main form[method=post]:not([data-draft-key])"


def submit_emptied_forms(page, check, url, label, seen):
    """Submit each kind of POST form of the page at `url` with its text fields emptied."""
    page.goto(url)
    forms = FORMS
    submitted = 0
    for index in range(page.locator(forms).count()):
        if submitted >= MAX_FORMS_PER_PAGE:
            break
        if page.url != url:  # back from the last submission
            page.goto(url)
        if index >= page.locator(forms).count():
            break  # the last submission changed what the page offers
        form = page.locator(forms).nth(index)
        kind = form.evaluate(FORM_KIND)
        if kind in seen:
            continue
        seen.add(kind)
        form.evaluate(EMPTY_FIELDS)
        with page.expect_navigation():
            form.locator("button[type=submit], input[type=submit]").first.click()
        submitted += 1
        check(page, f"{label}, form {index + 1} submitted emptied")


def test_every_page_of_every_role_passes_axe_and_the_nu_html_checker(audit, live_server):
    open_as, visit, check, state, served = audit
    objects = demo_objects()

    page = open_as("anonymous")
    visit(page, "login", reverse("login"))
    page.get_by_label("Tên đăng nhập").fill("vanphong")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    check(page, "login failed")
    visit(page, "password reset", reverse("password_reset"))
    page.get_by_role("button").last.click()
    check(page, "password reset failed")
    page.context.close()

    # The office last: its emptied forms are the only ones that might change the demo.
    for role in [r for r in ROLES if r != "anonymous" and r != "office"] + ["office"]:
        page = open_as(role)
        # The pages with a POST form to submit emptied below.
        with_forms = [(name, url) for name, url in pages_for(role, objects)
                      if visit(page, f"{role} {name}", url) and page.locator(FORMS).count()]
        for label, path, status in EXTRA.get(role, []):
            if visit(page, f"{role} {label}", path(objects), status) and path is _api_docs \
                    and status == 200:
                # Swagger UI draws the operations once it has read the schema.
                page.locator(".opblock").first.wait_for()
                check(page, f"{role} {label}, drawn")
        if role in SUBMITTING:
            seen = set()
            for name, url in with_forms:
                if name != "recommendations:session_record":
                    submit_emptied_forms(page, check, f"{live_server.url}{url}",
                                         f"{role} {name}", seen)
        if role == "office":
            # The recording page saves through fetch: a row without its category is refused.
            record = reverse("recommendations:session_record", kwargs={"pk": objects["session"].pk})
            visit(page, "office recording page", record)
            page.get_by_role("button", name="Thêm khó khăn").click()
            page.locator("[data-formset=difficulty] textarea").last.fill("Thiếu máy tính")
            page.get_by_role("button", name="Lưu nháp").click()
            expect(page.locator(".error-summary")).to_be_visible()
            check(page, "office recording page refused")
            visit(page, "office password change", reverse("password_change"))
            page.get_by_role("button", name="Đổi mật khẩu").last.click()
            check(page, "office password change failed")
        page.context.close()

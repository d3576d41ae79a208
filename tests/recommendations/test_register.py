"""The register of outgoing documents (inspections/register.py): numbers in one sequence per
issuing body and year, never given twice (withdrawn or not, two offices at once), issuing from
the notice and report pages, the signed copy's check (a PDF signed here under a test CA), the
citations, and who may do what."""

import datetime
import io
import threading
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from communes import roles
from communes.documents import Letterhead
from communes.roles import roles_sync
from inspections import services as inspection_services
from inspections.models import Directive, IssuedDocument, RegisterCounter
from recommendations import services
from recommendations.models import Response
from tests import factories
from tests.layout import assert_official_layout

pytestmark = pytest.mark.django_db

Signature = IssuedDocument.Signature


def letterhead(kind="party", day=datetime.date(2025, 8, 5), **changes):
    values = {
        "kind": kind, "issuer": "Tỉnh ủy Lạng Sơn" if kind == "party" else
        "Ủy ban nhân dân tỉnh Lạng Sơn", "symbol": "TU" if kind == "party" else "UBND",
        "type_code": "TB", "doc_type": "Thông báo", "summary": "kết luận của Tổ công tác số 1",
        "place": "Lạng Sơn", "date": day, "recipients": "Các đồng chí Ủy viên Ban Thường vụ",
        "signer": "T/L BAN THƯỜNG VỤ\nCHÁNH VĂN PHÒNG", "signer_name": "Nguyễn Văn A"}
    return Letterhead(**{**values, **changes})


def issue(province, by, **changes):
    """Issue a document whose "file" says which number it was written with."""
    return inspection_services.document_issue(
        province=province, by=by, filename="thong-bao", letterhead=letterhead(**changes),
        write=lambda written: f"number {written.number}".encode())


# The sequence ------------------------------------------------------------------------------


def test_numbers_run_per_issuing_body_and_year(province, office_user):
    first, second = issue(province, office_user), issue(province, office_user)
    state = issue(province, office_user, kind="state")
    next_year = issue(province, office_user, day=datetime.date(2026, 1, 2))
    assert (first.number, second.number, state.number, next_year.number) == (1, 2, 1, 1)
    assert (first.number_text, second.number_text) == ("Số 01-TB/TU", "Số 02-TB/TU")
    assert state.number_text == "Số: 01/TB-UBND"
    # The file kept is the one written with the number given.
    assert second.file.read() == b"number 2"
    assert second.citation == "Thông báo số 02-TB/TU ngày 05/8/2025 của Tỉnh ủy Lạng Sơn"
    assert second.signer == "T/L BAN THƯỜNG VỤ\nCHÁNH VĂN PHÒNG\nNguyễn Văn A"


def test_a_withdrawn_number_is_never_given_again(province, office_user):
    first = issue(province, office_user)
    with pytest.raises(ValidationError):
        inspection_services.document_withdraw(document=first, by=office_user, reason="  ")
    inspection_services.document_withdraw(document=first, by=office_user,
                                          reason="Sai thành phần nhận")
    first.refresh_from_db()
    assert first.withdrawn and first.withdrawn_by == office_user and first.number == 1
    assert issue(province, office_user).number == 2
    with pytest.raises(ValidationError):
        inspection_services.document_withdraw(document=first, by=office_user, reason="lần hai")


def test_only_the_office_of_the_province_issues(province, office_user, other_office_user,
                                                head_a, leader):
    for user in (other_office_user, head_a, leader):
        with pytest.raises(ValidationError):
            issue(province, user)
    assert not IssuedDocument.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_offices_issuing_at_once_get_two_numbers(province):
    """Two requests, each on its own connection, take a number at the same moment: the second
    waits for the first's lock on the counter, then takes the next number. Twice: when the
    year's counter is created by the two at once, and when it exists already."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time (BEGIN IMMEDIATE): the row lock that "
                    "orders two writers is PostgreSQL's; run with DATABASE_URL=postgres://…")
    # A transactional test's database was flushed by the one before it (the browser tests'
    # too): the roles the data migrations made are put back first.
    roles_sync(Group, Permission)
    office_user = factories.profile(
        factories.UserFactory(username="office.one", role=roles.OFFICE_STAFF), province=province)
    second_office = factories.profile(
        factories.UserFactory(username="office.two", role=roles.OFFICE_STAFF), province=province)

    def slow_write(written):
        time.sleep(0.3)  # hold the lock while the other request arrives
        return f"number {written.number}".encode()

    def at_once():
        start = threading.Barrier(2)
        numbers, errors = [], []

        def office(user):
            try:
                start.wait()
                document = inspection_services.document_issue(
                    province=province, by=user, filename="thong-bao", letterhead=letterhead(),
                    write=slow_write)
                numbers.append((document.number, document.file.read()))
            except Exception as error:  # noqa: BLE001 — reported by the assertion below
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=office, args=(user,))
                   for user in (office_user, second_office)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert errors == []
        return sorted(numbers)

    assert at_once() == [(1, b"number 1"), (2, b"number 2")]
    assert at_once() == [(3, b"number 3"), (4, b"number 4")]
    assert RegisterCounter.objects.get().last_number == 4


# Issuing from the document pages --------------------------------------------------------------


@pytest.fixture
def session(province):
    return factories.SessionFactory(group__round__province=province,
                                    units=[factories.UnitFactory(province=province)])


def form_params(client, url, **changes):
    form = client.get(url).context["form"]
    params = {name: form.initial.get(name, "") for name in form.fields}
    params.update({"date": f"{timezone.localdate():%d/%m/%Y}",
                   "summary": "kết luận của Tổ công tác", **changes})
    return params


def confirm_and_issue(client, issue_url, params):
    """Open the confirmation, then send it, with the one-time token it carries."""
    confirm = client.get(issue_url, params)
    assert confirm.status_code == 200, confirm.context["form"].errors
    return client.post(issue_url, {**params, "issue_token": confirm.context["issue_token"]})


def test_the_office_issues_the_notice_with_the_next_number(client, office_user, session):
    client.force_login(office_user)
    url = reverse("recommendations:session_notice", args=[session.pk])
    issue_url = reverse("recommendations:session_notice_issue", args=[session.pk])
    assert issue_url in client.get(url).content.decode()
    params = form_params(client, url)
    confirm = client.get(issue_url, params)
    assert confirm.status_code == 200 and confirm.context["next_number"] == 1
    assert not IssuedDocument.objects.exists()  # nothing taken before the confirmation
    response = client.post(issue_url, {**params, "issue_token": confirm.context["issue_token"]})
    document = IssuedDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert (document.number, document.session, document.issued_by) == (1, session, office_user)
    page = client.get(document.get_absolute_url())
    assert "Số 01-TB/TU" in page.content.decode()
    # The DOCX kept and downloaded carries the number given.
    download = client.get(reverse("inspections:register_file", args=[document.pk, "issued"]))
    layout = assert_official_layout(b"".join(download.streaming_content), "party")
    assert layout.number == "Số 01-TB/TU"
    # The next issue takes the next number, whatever number was typed in the form.
    confirm_and_issue(client, issue_url, {**params, "number": "1"})
    assert list(IssuedDocument.objects.values_list("number", flat=True)) == [2, 1]


def test_the_report_is_issued_in_the_state_sequence(client, office_user, session):
    client.force_login(office_user)
    inspection_round = session.group.round
    url = reverse("recommendations:round_report", args=[inspection_round.pk])
    params = form_params(client, url + "?issuer_kind=state")
    assert params["issuer_kind"] == "state"
    confirm_and_issue(
        client, reverse("recommendations:round_report_issue", args=[inspection_round.pk]), params)
    document = IssuedDocument.objects.get()
    assert document.number_text == "Số: 01/BC-UBND" and document.round == inspection_round


def test_a_bad_header_is_the_form_again_and_takes_no_number(client, office_user, session):
    client.force_login(office_user)
    issue_url = reverse("recommendations:session_notice_issue", args=[session.pk])
    params = form_params(client, reverse("recommendations:session_notice", args=[session.pk]),
                         date="31/02/2026")
    response = client.post(issue_url, params)
    assert response.status_code == 400 and response.context["form"].errors
    assert not IssuedDocument.objects.exists() and not RegisterCounter.objects.exists()


def test_who_may_issue_and_read_the_register(client, session, office_user, other_office_user,
                                            head_a, leader, ward_a):
    document = issue(session.group.round.province, office_user)
    issue_url = reverse("recommendations:session_notice_issue", args=[session.pk])
    pages = [reverse("inspections:register_list"),
             reverse("inspections:register_detail", args=[document.pk]),
             reverse("inspections:register_file", args=[document.pk, "issued"])]
    for user in (head_a, leader, ward_a):
        client.force_login(user)
        assert client.post(issue_url, {}).status_code == 403
        for page in pages:
            assert client.get(page).status_code == 403
        assert client.post(reverse("inspections:register_withdraw", args=[document.pk]),
                           {"withdraw-reason": "x"}).status_code == 403
    client.force_login(other_office_user)
    assert client.post(issue_url, {}).status_code == 404
    for page in pages[1:]:
        assert client.get(page).status_code == 404
    assert client.post(reverse("inspections:register_withdraw", args=[document.pk]),
                       {"withdraw-reason": "x"}).status_code == 404
    assert list(client.get(pages[0]).context["page"].object_list) == []
    assert IssuedDocument.objects.get().status == IssuedDocument.Status.ISSUED


def test_withdrawing_from_the_entry_page(client, office_user, province):
    document = issue(province, office_user)
    client.force_login(office_user)
    url = reverse("inspections:register_withdraw", args=[document.pk])
    assert client.post(url, {"withdraw-reason": ""}).status_code == 400
    response = client.post(url, {"withdraw-reason": "Ban hành nhầm"}, follow=True)
    assert "Ban hành nhầm" in response.content.decode()
    document.refresh_from_db()
    assert document.withdrawn
    assert issue(province, office_user).number == 2


def test_the_register_list_filters_and_its_queries_do_not_grow(
        client, office_user, province, count_queries):
    client.force_login(office_user)
    url = reverse("inspections:register_list")
    for _ in range(3):
        issue(province, office_user)
    issue(province, office_user, kind="state")
    few = count_queries(lambda: client.get(url))
    for _ in range(60):
        issue(province, office_user)
    many = count_queries(lambda: client.get(url))
    assert many == few
    page = client.get(url, {"kind": "state", "year": "2025"})
    assert [d.number_text for d in page.context["page"].object_list] == ["Số: 01/TB-UBND"]
    assert client.get(url, {"year": "1999"}).status_code == 200  # an unknown year: no filter


# The signed copy --------------------------------------------------------------------------


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject, issuer, public_key, signing_key, *, ca):
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(
        digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
        encipher_only=False, decipher_only=False)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
            .public_key(public_key).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .sign(signing_key, hashes.SHA256()))


@pytest.fixture(scope="module")
def pki():
    """A test CA (standing for the Ban Cơ yếu Chính phủ's) and a signer's certificate."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate(_name("CA thử nghiệm"), _name("CA thử nghiệm"), ca_key.public_key(),
                      ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _certificate(_name("Văn phòng Tỉnh ủy Lạng Sơn"), ca.subject, key.public_key(),
                        ca_key, ca=False)
    return {"ca": ca, "cert": cert, "key": key}


def unsigned_pdf() -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PdfFileWriter

    writer = PdfFileWriter()
    writer.insert_page(generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Page"),
        generic.pdf_name("/MediaBox"): generic.ArrayObject(
            [generic.NumberObject(n) for n in (0, 0, 595, 842)]),
        generic.pdf_name("/Resources"): generic.DictionaryObject()}))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signed_pdf(pki) -> bytes:
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    def der(certificate):
        return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))

    signer = signers.SimpleSigner(
        signing_cert=der(pki["cert"]),
        signing_key=asn1_keys.PrivateKeyInfo.load(pki["key"].private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore.from_certs([der(pki["ca"])]))
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(unsigned_pdf())),
                           signers.PdfSignatureMetadata(field_name="ChuKy"), signer=signer)
    return out.getvalue()


@pytest.fixture
def trust_test_ca(settings, tmp_path, pki):
    path = tmp_path / "test-ca.pem"
    path.write_bytes(pki["ca"].public_bytes(serialization.Encoding.PEM))
    settings.SIGNATURE_TRUST_ROOTS = [str(path)]


def upload(client, document, content, name="ban-ky.pdf"):
    return client.post(reverse("inspections:register_upload", args=[document.pk]),
                       {"signed-file": SimpleUploadedFile(name, content, "application/pdf")})


@pytest.fixture
def entry(client, office_user, province):
    client.force_login(office_user)
    return issue(province, office_user)


def test_a_signed_pdf_from_a_trusted_root_is_valid(client, entry, pki, trust_test_ca):
    content = signed_pdf(pki)
    response = upload(client, entry, content)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.signature == Signature.TRUSTED
    assert "Văn phòng Tỉnh ủy Lạng Sơn" in entry.signature_subject
    assert entry.signature_time is not None
    assert entry.signed_file.read() == content
    page = client.get(entry.get_absolute_url()).content.decode()
    assert str(Signature.TRUSTED.label) in page


def test_a_valid_signature_from_another_root_is_untrusted(client, entry, pki, settings):
    settings.SIGNATURE_TRUST_ROOTS = []
    upload(client, entry, signed_pdf(pki))
    entry.refresh_from_db()
    assert entry.signature == Signature.UNTRUSTED


def test_one_byte_changed_inside_the_signed_range_is_altered(client, entry, pki,
                                                            trust_test_ca):
    content = signed_pdf(pki)
    # The page's width, inside the first signed range: the file still reads as a PDF.
    at = content.index(b"595")
    assert at < content.index(b"/ByteRange")
    changed = content[:at] + b"596" + content[at + 3:]
    assert sum(a != b for a, b in zip(content, changed, strict=True)) == 1
    upload(client, entry, changed)
    entry.refresh_from_db()
    assert entry.signature == Signature.ALTERED
    assert entry.signed_file  # kept, marked


def test_an_unsigned_pdf_is_kept_and_marked_unsigned(client, entry, trust_test_ca):
    response = upload(client, entry, unsigned_pdf())
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.signature == Signature.UNSIGNED and entry.signed_file


def test_a_damaged_pdf_is_unreadable_and_never_a_500(client, entry, trust_test_ca):
    upload(client, entry, b"%PDF-1.7\n garbage with no trailer")
    entry.refresh_from_db()
    assert entry.signature == Signature.UNREADABLE


def test_what_is_not_a_pdf_or_too_large_is_refused_with_a_message(client, entry, settings):
    response = upload(client, entry, b"PK\x03\x04 a docx", name="ban-ky.docx")
    assert response.status_code == 400
    assert "PDF" in response.context["upload_form"].errors["file"][0]
    settings.SIGNED_PDF_MAX_MB = 0
    response = upload(client, entry, unsigned_pdf())
    assert response.status_code == 400 and "MB" in response.context["upload_form"].errors["file"][0]
    response = client.post(reverse("inspections:register_upload", args=[entry.pk]), {})
    assert response.status_code == 400
    entry.refresh_from_db()
    assert not entry.signed_file and entry.signature == Signature.NONE


# Citations -------------------------------------------------------------------------------


def test_a_resolution_cites_a_registered_document(client, province, office_user, head_a,
                                                  department_a, other_province,
                                                  other_office_user):
    session = factories.SessionFactory(group__round__province=province,
                                       units=[factories.UnitFactory(province=province)])
    recommendation = factories.RecommendationFactory(session=session)
    services.recommendation_route(recommendation=recommendation, by=office_user,
                                  lead_department=department_a)
    services.recommendation_accept(recommendation=recommendation, by=head_a)
    document = issue(province, office_user)
    withdrawn = issue(province, office_user)
    inspection_services.document_withdraw(document=withdrawn, by=office_user, reason="nhầm")
    foreign = issue(other_province, other_office_user)
    client.force_login(head_a)
    url = reverse("recommendations:act", args=[recommendation.pk, "resolve"])
    # Another province's document, or a withdrawn one, is no choice.
    for refused in (foreign, withdrawn):
        response = client.post(url, {"resolve-answer": "Đã giải quyết",
                                     "resolve-cited_document": refused.pk})
        assert response.status_code == 400
    response = client.post(url, {"resolve-answer": "Đã giải quyết",
                                 "resolve-cited_document": document.pk})
    assert response.status_code == 302
    answer = Response.objects.get(kind=Response.Kind.ANSWER)
    assert answer.cited_document == document
    page = client.get(reverse("recommendations:detail", args=[recommendation.pk]))
    assert "Thông báo số 01-TB/TU ngày 05/8/2025 của Tỉnh ủy Lạng Sơn" in page.content.decode()


def test_a_directive_cites_a_registered_document(client, province, office_user, leader,
                                                 other_province, other_office_user):
    session = factories.SessionFactory(group__round__province=province)
    directive = Directive.objects.create(session=session, text="Rà soát biên chế")
    document = issue(province, office_user)
    foreign = issue(other_province, other_office_user)
    url = reverse("inspections:directive_cite", args=[directive.pk])
    client.force_login(leader)
    assert client.post(url, {"cited_document": document.pk}).status_code == 403
    client.force_login(other_office_user)
    assert client.post(url, {"cited_document": foreign.pk}).status_code == 404
    client.force_login(office_user)
    client.post(url, {"cited_document": foreign.pk})
    directive.refresh_from_db()
    assert directive.cited_document is None
    client.post(url, {"cited_document": document.pk})
    directive.refresh_from_db()
    assert directive.cited_document == document
    client.force_login(leader)
    page = client.get(reverse("inspections:directive_detail", args=[directive.pk]))
    assert document.citation in page.content.decode()


def test_content_changed_by_an_update_after_signing_is_altered(client, entry, pki,
                                                               trust_test_ca):
    """The signed bytes stay intact, but a revision appended after signing rewrites the
    page: what is shown is no longer what was signed."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf(pki)))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    page["/MediaBox"] = generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 842, 595)])
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=b"BT ET"))
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    upload(client, entry, out.getvalue())
    entry.refresh_from_db()
    assert entry.signature == Signature.ALTERED


def test_a_pdf_only_a_lenient_reader_accepts_is_unreadable(client, entry, pki, trust_test_ca):
    """A revision appended after signing rewrites the signed revision's cross-reference
    stream object: the strict reader refuses the file, where the lenient one would read it
    and find the signature good."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    content = signed_pdf(pki)
    last_xref = int(content.rstrip().rsplit(b"startxref", 1)[1].split()[0])
    xref_id = int(content[last_xref:].split()[0])
    writer = IncrementalPdfFileWriter(io.BytesIO(content))
    writer.mark_update(generic.Reference(xref_id, 0, writer.prev))
    out = io.BytesIO()
    writer.write(out)
    upload(client, entry, out.getvalue())
    entry.refresh_from_db()
    assert entry.signature == Signature.UNREADABLE


def test_a_trusted_certificate_with_a_failed_check_is_not_trusted(client, entry, pki,
                                                                 trust_test_ca, monkeypatch):
    """An invalid timestamp or unmet seed values fail pyHanko's bottom line while the
    certificate itself is trusted: the register does not call that trusted."""
    from pyhanko.sign.validation.status import PdfSignatureStatus

    monkeypatch.setattr(PdfSignatureStatus, "seed_value_ok", property(lambda self: False))
    upload(client, entry, signed_pdf(pki))
    entry.refresh_from_db()
    assert entry.signature == Signature.UNTRUSTED


def test_a_header_too_long_for_the_register_is_the_form_again(client, office_user, session):
    """The register keeps the issuer in 300 characters: a longer one is an error on the
    form, not a database error (PostgreSQL refuses it) after a number was taken."""
    client.force_login(office_user)
    issue_url = reverse("recommendations:session_notice_issue", args=[session.pk])
    params = form_params(client, reverse("recommendations:session_notice", args=[session.pk]),
                         issuing_body="Tỉnh ủy " * 50, summary="x" * 1001)
    for response in (client.get(issue_url, params), client.post(issue_url, params)):
        assert response.status_code == 400
        assert set(response.context["form"].errors) == {"issuing_body", "summary"}
    assert not IssuedDocument.objects.exists() and not RegisterCounter.objects.exists()


def test_an_office_user_reading_every_province_may_not_issue_for_another(
        client, session, other_province):
    """Office staff of another province who also follow every province (national viewer)
    open the session; issuing its notice is refused (403), not a 500, and takes nothing."""
    user = factories.profile(
        factories.UserFactory(username="office.national", role=roles.OFFICE_STAFF),
        province=other_province)
    user.groups.add(Group.objects.get(name=roles.NATIONAL_VIEWER))
    client.force_login(user)
    url = reverse("recommendations:session_notice", args=[session.pk])
    page = client.get(url)
    issue_url = reverse("recommendations:session_notice_issue", args=[session.pk])
    assert page.status_code == 200 and issue_url not in page.content.decode()
    params = form_params(client, url)
    assert client.get(issue_url, params).status_code == 403
    assert client.post(issue_url, params).status_code == 403
    assert not IssuedDocument.objects.exists() and not RegisterCounter.objects.exists()



def test_the_same_confirmation_sent_twice_takes_one_number(client, office_user, session):
    """A double click or the back button sends the confirmation again: the second finds the
    entry the first made and says so; no second number is taken."""
    client.force_login(office_user)
    issue_url = reverse("recommendations:session_notice_issue", args=[session.pk])
    params = form_params(client, reverse("recommendations:session_notice", args=[session.pk]))
    confirm = client.get(issue_url, params)
    assert f'value="{confirm.context["issue_token"]}"' in confirm.content.decode()
    sent = {**params, "issue_token": confirm.context["issue_token"]}
    first = client.post(issue_url, sent)
    again = client.post(issue_url, sent, follow=True)
    document = IssuedDocument.objects.get()
    assert first["Location"] == document.get_absolute_url()
    assert again.redirect_chain[-1][0] == document.get_absolute_url()
    assert "đã được cấp Số 01-TB/TU" in again.content.decode()
    assert RegisterCounter.objects.get().last_number == 1
    # Sent without a token (an old page): the confirmation again, nothing taken.
    response = client.post(issue_url, params)
    assert response.status_code == 400 and response.context["issue_token"]
    assert RegisterCounter.objects.get().last_number == 1


def test_the_number_is_given_in_this_year_and_the_bodys_symbol(client, office_user, session):
    """The date decides the year's sequence: another year, or a date far ahead, is refused
    on the form; so is a symbol other than the issuing body's."""
    client.force_login(office_user)
    issue_url = reverse("recommendations:session_notice_issue", args=[session.pk])
    url = reverse("recommendations:session_notice", args=[session.pk])
    today = timezone.localdate()
    refused = {
        "date": [f"{today.replace(year=today.year - 1, day=1):%d/%m/%Y}",
                 f"{today.replace(year=today.year + 1, day=1):%d/%m/%Y}",
                 f"{today + datetime.timedelta(days=30):%d/%m/%Y}"],
        "symbol": ["BCĐ"]}
    for field, values in refused.items():
        for value in values:
            params = form_params(client, url, **{field: value})
            for response in (client.get(issue_url, params), client.post(issue_url, params)):
                errors = response.context["form"].errors
                assert response.status_code == 400 and field in errors, (field, value)
    assert not RegisterCounter.objects.exists()
    response = confirm_and_issue(client, issue_url, form_params(client, url))
    assert response.status_code == 302
    document = IssuedDocument.objects.get()
    assert (document.year, document.number_text) == (today.year, "Số 01-TB/TU")


def test_the_service_prints_the_bodys_symbol(province, office_user):
    assert issue(province, office_user, symbol="XYZ").number_text == "Số 01-TB/TU"


def test_a_withdrawn_document_takes_no_signed_copy(client, entry, office_user):
    inspection_services.document_withdraw(document=entry, by=office_user, reason="Ban hành nhầm")
    page = client.get(entry.get_absolute_url())
    assert 'name="signed-file"' not in page.content.decode()
    response = upload(client, entry, unsigned_pdf())
    assert response.status_code == 400
    assert "đã được thu hồi" in response.context["upload_form"].errors["file"][0]
    assert "không lưu bản có chữ ký số" in response.content.decode()
    entry.refresh_from_db()
    assert not entry.signed_file and entry.signature == Signature.NONE



def test_a_citation_reads_as_an_official_writes_it(province, office_user):
    state = issue(province, office_user, kind="state", day=datetime.date(2025, 2, 4))
    assert state.citation == \
        "Thông báo số 01/TB-UBND ngày 04/02/2025 của Ủy ban nhân dân tỉnh Lạng Sơn"
    assert state.shown_citation == state.citation
    inspection_services.document_withdraw(document=state, by=office_user, reason="nhầm")
    state.refresh_from_db()
    assert state.shown_citation == f"{state.citation} (đã thu hồi)"


def test_a_withdrawn_cited_document_is_marked_where_it_is_cited(client, province, office_user,
                                                               leader):
    session = factories.SessionFactory(group__round__province=province)
    directive = Directive.objects.create(session=session, text="Rà soát biên chế")
    document = issue(province, office_user)
    inspection_services.directive_cite(directive=directive, document=document, by=office_user)
    inspection_services.document_withdraw(document=document, by=office_user, reason="nhầm")
    client.force_login(leader)
    page = client.get(reverse("inspections:directive_detail", args=[directive.pk]))
    assert f"{document.citation} (đã thu hồi)" in page.content.decode()
    client.force_login(office_user)
    page = client.get(document.get_absolute_url())
    assert f"{document.citation} (đã thu hồi)" in page.content.decode()


def test_the_resolve_form_offers_the_provinces_recent_documents_in_force(
        client, province, office_user, head_a, department_a, other_province,
        other_office_user, count_queries):
    session = factories.SessionFactory(group__round__province=province,
                                       units=[factories.UnitFactory(province=province)])
    recommendation = factories.RecommendationFactory(session=session)
    services.recommendation_route(recommendation=recommendation, by=office_user,
                                  lead_department=department_a)
    services.recommendation_accept(recommendation=recommendation, by=head_a)
    today = timezone.localdate()
    recent = issue(province, office_user, day=today)
    old = issue(province, office_user, day=today.replace(year=today.year - 3, day=1))
    withdrawn = issue(province, office_user, day=today)
    inspection_services.document_withdraw(document=withdrawn, by=office_user, reason="nhầm")
    issue(other_province, other_office_user, day=today)
    client.force_login(head_a)
    url = reverse("recommendations:detail", args=[recommendation.pk])

    page = client.get(url)
    form = next(form for name, _label, form in page.context["actions"] if name == "resolve")
    assert list(form.fields["cited_document"].queryset) == [recent]
    assert recent.citation in page.content.decode() and old.citation not in \
        page.content.decode()
    few = count_queries(lambda: client.get(url))
    for _ in range(5):
        issue(province, office_user, day=today)
    assert count_queries(lambda: client.get(url)) == few
    response = client.post(reverse("recommendations:act", args=[recommendation.pk, "resolve"]),
                           {"resolve-answer": "Đã giải quyết", "resolve-cited_document": old.pk})
    assert response.status_code == 400

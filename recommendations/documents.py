"""What the portal's official documents (the round's synthesis report, a session's conclusion
notice) say the same way: units, dates, who handles a recommendation. The layout itself is
communes/documents.py; these read the apps' rows and are called in Vietnamese."""

import re
from unicodedata import normalize

# short_date is communes.documents', where the register's citations use it too; it is
# imported from here by the documents of this app.
from communes.documents import PARTY, STATE
from communes.documents import short_date as short_date
from communes.models import AdministrativeUnit, IssuingBody, party_committee
from communes.text import sort_key

# The kinds of unit in the plural, as a list of them reads: "các phường Đông Kinh, Kỳ Lừa".
_KIND_WORDS = {AdministrativeUnit.Kind.COMMUNE: "xã", AdministrativeUnit.Kind.WARD: "phường",
               AdministrativeUnit.Kind.SPECIAL_ZONE: "đặc khu"}


def and_list(names: list[str]) -> str:
    """"A, B và C"."""
    names = [name for name in names if name]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} và {names[-1]}"


def units_phrase(units) -> str:
    """"phường Đông Kinh", "các phường Đông Kinh, Kỳ Lừa và Tam Thanh", "xã Tân Đoàn và
    phường Kỳ Lừa"."""
    units = list(units)
    kinds = {unit.kind for unit in units}
    if len(kinds) == 1:
        kind = _KIND_WORDS.get(units[0].kind, "")
        names = and_list([unit.name for unit in units])
        return f"{kind} {names}" if len(units) == 1 else f"các {kind} {names}"
    return and_list([f"{_KIND_WORDS.get(unit.kind, '')} {unit.name}" for unit in units])


def units_list(units) -> str:
    """"các phường: Đông Kinh, Kỳ Lừa" for a recipient line."""
    units = list(units)
    kinds = {_KIND_WORDS.get(unit.kind, "") for unit in units}
    if len(units) == 1:
        return f"{_KIND_WORDS.get(units[0].kind, '')} {units[0].name}"
    return f"các {', '.join(sorted(kinds, key=sort_key))}: " \
        f"{', '.join(unit.name for unit in units)}"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def leader_phrase(group) -> str:
    """"đồng chí Hoàng Văn Nghiệm, Bí thư Tỉnh ủy"."""
    title = f", {group.leader_title}" if group.leader_title else ""
    return f"đồng chí {group.leader_name}{title}"


# A leader of the People's Committee: "Chủ tịch UBND tỉnh", "Phó Chủ tịch UBND tỉnh", "Phó Chủ
# tịch Thường trực UBND tỉnh" (not the chair of the Fatherland Front's or the Council's).
_STATE_LEADER = re.compile(
    r"(?:Phó )?Chủ tịch(?: Thường trực)? (?:UBND|Ủy ban nhân dân)(?: (?:tỉnh|thành phố))?",
    re.IGNORECASE)


def state_leader_title(group) -> str:
    """The part of the group leader's title that makes them a leader of the People's
    Committee ("Chủ tịch UBND tỉnh" in "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh"), or ""."""
    found = _STATE_LEADER.search(normalize("NFC", group.leader_title or ""))
    return found.group(0) if found else ""


def default_layout(group) -> str:
    """The layout a group's notice starts in: the state one when the People's Committee's
    leader leads the group (the UBND announces its leader's conclusions), else the Party one
    (the Standing Committee announces its group's). The office may still switch."""
    return STATE if state_leader_title(group) else PARTY


def handled_by(item) -> str:
    """Who handles a recommendation: the central body it was proposed to, or the lead
    department and the co-operating ones."""
    if item.status == item.Status.PROPOSED_CENTRAL or not item.lead_department:
        return item.central_body or "—"
    cooperating = ", ".join(d.name for d in item.cooperating_departments.all())
    return item.lead_department.name + (f" (phối hợp: {cooperating})" if cooperating else "")


def issuer(province, kind) -> IssuingBody:
    return IssuingBody.for_province(province, kind)


def standing_committee(province) -> str:
    """"Ban Thường vụ Tỉnh ủy"."""
    return f"Ban Thường vụ {party_committee(province)}"


def province_leadership(province) -> str:
    """"Chủ tịch, các Phó Chủ tịch UBND tỉnh"."""
    level = "thành phố" if party_committee(province) == "Thành ủy" else "tỉnh"
    return f"Chủ tịch, các Phó Chủ tịch UBND {level}"


def people_committee(province) -> str:
    """"Ủy ban nhân dân tỉnh", as a body names itself in its own text."""
    level = "thành phố" if party_committee(province) == "Thành ủy" else "tỉnh"
    return f"Ủy ban nhân dân {level}"


def committee_recipient(province, kind) -> str:
    """The Standing Committee as a recipient. A Party document signed on its behalf ("T/M BAN
    THƯỜNG VỤ") goes to its members, not to the committee "để báo cáo"; a state one reports
    to it."""
    if kind == PARTY:
        return f"Các đồng chí Ủy viên {standing_committee(province)}"
    return f"{standing_committee(province)} (để báo cáo)"

import unicodedata

from communes import text


def test_normalize_turns_decomposed_text_into_nfc():
    decomposed = unicodedata.normalize("NFD", "Thiện Tân")
    assert decomposed != "Thiện Tân"
    assert text.normalize(f"  {decomposed} ") == "Thiện Tân"


def test_sort_key_orders_names_the_vietnamese_way():
    names = ["Đông Kinh", "Dương", "Hóa", "Hoai", "Hòa Bình", "Hoa Lư", "Hoa", "Ăn", "An", "Âu",
             "Bình", "Ba Sơn"]
    ordered = sorted(names, key=text.sort_key)
    assert ordered == ["An", "Ăn", "Âu", "Ba Sơn", "Bình", "Dương", "Đông Kinh", "Hoa",
                       "Hoa Lư", "Hòa Bình", "Hóa", "Hoai"]


def test_sort_key_is_the_same_for_nfc_and_nfd():
    assert text.sort_key(unicodedata.normalize("NFD", "Đoàn Kết")) == text.sort_key("Đoàn Kết")


def test_sort_key_uses_only_ascii_digits_and_letters():
    assert text.sort_key("Lương Văn Tri (TP)").isalnum()
    assert text.sort_key("Lương Văn Tri (TP)").isascii()


def test_fold_removes_diacritics_and_case():
    assert text.fold("Thiện Tân") == "thien tan"
    assert text.fold("Đăng") == "dang"
    assert text.fold("Hoà") == text.fold("Hòa") == "hoa"


def test_sort_key_places_latin_letters_and_compares_numbers_by_value():
    names = ["Yên Bình", "Fansipan", "Phường 10", "Phường 2", "Đắk Wil", "Đắk Ui"]
    assert sorted(names, key=text.sort_key) == [
        "Đắk Ui", "Đắk Wil", "Fansipan", "Phường 2", "Phường 10", "Yên Bình"]


def test_old_and_new_tone_placement_sort_alike():
    assert text.sort_key("Hoà Bình") == text.sort_key("Hòa Bình")
    assert text.sort_key("Thuỷ") == text.sort_key("Thủy")
    assert sorted(["Hòa", "Hoà An", "Hoa"], key=text.sort_key) == ["Hoa", "Hòa", "Hoà An"]


def test_people_sort_by_given_name_then_family_name_in_the_vietnamese_alphabet():
    people = ["Nguyễn Văn Zê", "Trần Thị Âu", "Lê Văn Ăn", "Bùi Đặng", "Đặng Thị Hoà",
              "Bùi Văn Hòa", "Phạm Dung", "Vũ An"]
    assert sorted(people, key=text.person_sort_key) == [
        "Vũ An", "Lê Văn Ăn", "Trần Thị Âu", "Phạm Dung", "Bùi Đặng", "Bùi Văn Hòa",
        "Đặng Thị Hoà", "Nguyễn Văn Zê"]
    # Byte order would have put Ă, Â and Đ after Z.
    assert sorted(["Zê", "Âu", "Ăn", "Đặng", "Dung"]) == ["Dung", "Zê", "Âu", "Ăn", "Đặng"]
    assert sorted(["Zê", "Âu", "Ăn", "Đặng", "Dung"], key=text.person_sort_key) == [
        "Ăn", "Âu", "Dung", "Đặng", "Zê"]

import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "locale"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("language", ["vi", "en"])
def test_catalogue_is_complete(language):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null",
         str(LOCALE / language / "LC_MESSAGES" / "django.po")],
        capture_output=True, text=True, check=True)
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_djangos_own_form_errors_read_in_vietnamese():
    from django import forms

    class Form(forms.Form):
        number = forms.IntegerField()

    with translation.override("vi"):
        assert Form({}).errors["number"] == ["Trường này là bắt buộc."]
        assert Form({"number": "x"}).errors["number"] == ["Nhập một số nguyên."]

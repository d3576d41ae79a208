"""Cursor pages in the order of ids: stable while rows are added or change, and each page one
indexed range read however deep it is (an offset would read every row before it)."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    page_size_query_description = _("Rows per page, from 1 to 500 (50 unless given).")
    cursor_query_description = _("Where the page starts: take it from the links next and "
                                 "previous.")
    invalid_cursor_message = _("This page cursor is not valid: follow the links next and "
                               "previous of a page.")

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [
                _("Give a whole number from 1 to %(max)d.") % {"max": self.max_page_size}]})
        return int(value)

    def decode_cursor(self, request):
        """DRF's reading of the cursor, with its position checked: the position is an id (the
        ordering), and DRF passes any text on to the filter `id > position`, where "abc" or
        "1.5" failed with a ValueError (a 500 on every list). A cursor that is not one of our
        links is a bad parameter (400), like a bad page_size, not a missing page."""
        invalid = ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise invalid from None
        # Our links hold the id of the page's last row: digits only, and within a bigint.
        if cursor is not None and cursor.position is not None and not (
                cursor.position.isascii() and cursor.position.isdigit()
                and int(cursor.position) < 2 ** 63):
            raise invalid
        return cursor

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters

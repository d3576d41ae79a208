"""Django's database cache, counting its rows to decide on culling on one set in COUNT_EVERY
instead of on every set.

Django 5.2's DatabaseCache runs `SELECT COUNT(*)` over the whole cache table before every
set, add and touch, to cull when there are more than MAX_ENTRIES. PostgreSQL reads the whole
table for it: measured here, 13-15 ms at 100,000 entries (the MAX_ENTRIES base.py sets), and
a page nobody opened before sets about ten parts, so a busy portal's cold page paid some
130 ms for counting alone. Django has since done the same (ticket #32785, a cull check that
does not count every time, merged after 5.2); drop this class when the project moves to a
Django that has it.

Between two counts the table may outgrow MAX_ENTRIES by at most COUNT_EVERY entries per
process until the next count culls it, as Django's own culling would.
"""

import base64
import itertools
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now


class RarelyCountingDatabaseCache(DatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        options = params.get("OPTIONS", {})
        self._count_every = max(int(options.get("COUNT_EVERY", 100)), 1)
        self._sets = itertools.count(1)

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        if next(self._sets) % self._count_every == 0:
            return super()._base_set(mode, key, value, timeout)  # counts, culls if due
        return self._set_without_counting(mode, key, value, timeout)

    def _set_without_counting(self, mode, key, value, timeout):
        """Django's _base_set without its COUNT(*) and cull; the rest as Django does it: an
        expired entry may be added over, a failed write (two processes racing) is a miss."""
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        key_column, value_column, expires_column = (
            quote_name("cache_key"), quote_name("value"), quote_name("expires"))
        now = tz_now().replace(microsecond=0)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        try:
            with transaction.atomic(using=db), connection.cursor() as cursor:
                cursor.execute(f"SELECT {expires_column} FROM {table} WHERE {key_column} = %s",
                               [key])
                row = cursor.fetchone()
                if row and mode == "add":
                    # Django's converters give the stored expiry as an aware datetime.
                    current = self._converted_datetime(connection, row[0])
                    if current >= now:
                        return False  # still there: add() leaves it
                if row and mode == "touch":
                    cursor.execute(f"UPDATE {table} SET {expires_column} = %s "
                                   f"WHERE {key_column} = %s", [expires, key])
                elif row:
                    cursor.execute(f"UPDATE {table} SET {value_column} = %s, "
                                   f"{expires_column} = %s WHERE {key_column} = %s",
                                   [encoded, expires, key])
                elif mode != "touch":
                    cursor.execute(f"INSERT INTO {table} ({key_column}, {value_column}, "
                                   f"{expires_column}) VALUES (%s, %s, %s)",
                                   [key, encoded, expires])
                else:
                    return False  # nothing to touch
        except DatabaseError:
            return False
        return True

    @staticmethod
    def _converted_datetime(connection, value):
        from django.db import models

        expression = models.Expression(output_field=models.DateTimeField())
        for converter in (connection.ops.get_db_converters(expression)
                          + expression.get_db_converters(connection)):
            value = converter(value, expression, connection)
        return value

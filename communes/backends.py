"""Authentication backend of the portal."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from . import roles
from .cache import GLOBAL, versions

# A user read for a request is kept this long (any change of users, profiles or roles moves
# the global version, which the key carries, so a change is seen at once).
USER_SECONDS = 5 * 60


class ProfileModelBackend(ModelBackend):
    """Django's ModelBackend, reading the request's user together with their profile and
    roles, from the cache while users are unchanged.

    Every page asks the profile which province, department or unit the user belongs to, and
    the roles which pages they may open: read from the database, that is two queries on every
    request before the page does anything."""

    def get_user(self, user_id):
        key = f"portal:user:{user_id}:{versions((GLOBAL,))[0]}"
        user = cache.get(key)
        if user is None:
            User = get_user_model()
            try:
                user = User._default_manager.select_related("profile").get(pk=user_id)
            except User.DoesNotExist:
                return None
            roles.role_names(user)  # read with the user, kept on it
            cache.set(key, user, USER_SECONDS)
        return user if self.user_can_authenticate(user) else None

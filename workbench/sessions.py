"""Sessions that end after a working day without activity (SESSION_COOKIE_AGE, from the
SESSION_HOURS setting) and keep going while the person works."""

import datetime

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

# Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) would cost every page, htmx
# section and progress poll a database write; renewing it once a quarter of an hour is precise
# enough for a limit counted in hours.
RENEW_AFTER = datetime.timedelta(minutes=15)


class SessionStore(DatabaseSessionStore):
    """Django's database session, renewed to a full SESSION_COOKIE_AGE by the first request that
    comes RENEW_AFTER or more after it was last saved. A session therefore ends after between
    SESSION_COOKIE_AGE - RENEW_AFTER and SESSION_COOKIE_AGE without a request."""

    def load(self):
        return self._renewed_if_due(self._get_session_from_db())

    async def aload(self):
        return self._renewed_if_due(await self._aget_session_from_db())

    def _renewed_if_due(self, stored) -> dict:
        if stored is None:
            return {}
        last_saved = stored.expire_date - datetime.timedelta(seconds=self.get_session_cookie_age())
        if timezone.now() - last_saved >= RENEW_AFTER:
            # SessionMiddleware saves a modified session, with a new expiry and cookie.
            self.modified = True
        return self.decode(stored.session_data)

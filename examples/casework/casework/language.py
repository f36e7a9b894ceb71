"""The page language: Czech unless the user chose English in the header.

Django's LocaleMiddleware would follow the browser's Accept-Language, and
an English browser on a Czech office's computer would show the English
app; the app's users are Czech social workers and families, so Czech is
the default whatever the browser says, and the choice made with the switch
(Django's ``set_language`` view and its cookie) wins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest, HttpResponse


class ChosenLanguageMiddleware:
    """Activate the language of the user's choice, else ``LANGUAGE_CODE``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response

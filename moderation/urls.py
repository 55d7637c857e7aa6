"""The app's URLs: the image kind's pages and API, then the core's review pages and API."""

from __future__ import annotations

from moderation.appeals import urls as appeal_urls
from moderation.images import urls as image_urls
from moderation.qa import urls as qa_urls
from moderation.review import urls as review_urls
from moderation.stats import urls as stats_urls

# Appeals before the review routes: "review/appeals/" is not a review entry's id.
urlpatterns = [
    *image_urls.urlpatterns,
    *stats_urls.urlpatterns,
    *qa_urls.urlpatterns,
    *appeal_urls.urlpatterns,
    *review_urls.urlpatterns,
]
api_urlpatterns = [
    *image_urls.api_urlpatterns,
    *qa_urls.api_urlpatterns,
    *appeal_urls.api_urlpatterns,
    *review_urls.api_urlpatterns,
]

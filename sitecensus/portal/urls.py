from django.urls import path

from . import drafts

app_name = "drafts"

urlpatterns = [
    path("", drafts.draft_fetch, name="fetch"),
    path("save/", drafts.draft_save, name="save"),
    path("discard/", drafts.draft_discard, name="discard"),
    path("keepalive/", drafts.keepalive, name="keepalive"),
]

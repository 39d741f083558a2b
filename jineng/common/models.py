"""Abstract models the apps share: the row a workflow appends at each transition and an uploaded
evidence file. Neither has a table of its own; each app's concrete model adds what it records
them for and the fields whose names or options differ between apps."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class WorkflowEvent(models.Model):
    """One row per transition of a workflow (and one for the creation of what it governs). The
    subclass adds the foreign key to what it records, its from/to state fields (their names and
    lengths are the app's own) and ``TRANSITION_LABELS``, the labels its workflow shows."""

    TRANSITION_LABELS: ClassVar[dict[str, str]] = {}

    transition = models.CharField("操作", max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间")
    comment = models.TextField("意见", blank=True)
    late = models.BooleanField("超期", default=False)

    class Meta:
        abstract = True
        ordering = ["id"]  # the order the transitions happened in

    def get_transition_label(self) -> str:
        return self.TRANSITION_LABELS.get(self.transition, self.transition)


class EvidenceUpload(models.Model):
    """An uploaded evidence file, kept with what was checked when it came in (``jineng.common.uploads``).
    The subclass adds the foreign key to what it evidences and declares ``file`` itself, with its
    own ``upload_to``; the detected file type and the upload time are also the subclass's, as their
    names and options differ between apps."""

    original_name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

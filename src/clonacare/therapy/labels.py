"""The words a patient reads for their counselling sessions' kinds and statuses and their
support-group attendance, translatable (issue 16): the portal's labels
(``portal.labels``) and the recovery timeline's sentences both use them. The English
words are the models' own labels (a test holds them equal); the stored codes, the
clinic's pages and the API keep the models' English.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from clonacare.therapy.models import Attendance, CounsellingSession

SESSION_KINDS: dict[str, Promise] = {
    CounsellingSession.Kind.INDIVIDUAL: pgettext_lazy("session kind", "Individual"),
    CounsellingSession.Kind.GROUP: pgettext_lazy("session kind", "Group"),
}
SESSION_STATUSES: dict[str, Promise] = {
    CounsellingSession.Status.SCHEDULED: pgettext_lazy("session status", "Scheduled"),
    CounsellingSession.Status.ATTENDED: pgettext_lazy("session status", "Attended"),
    CounsellingSession.Status.MISSED: pgettext_lazy("session status", "Missed"),
    CounsellingSession.Status.CANCELLED: pgettext_lazy("session status", "Cancelled"),
}
ATTENDANCE: dict[str, Promise] = {
    Attendance.Status.ATTENDED: pgettext_lazy("group attendance status", "Attended"),
    Attendance.Status.ABSENT: pgettext_lazy("group attendance status", "Absent"),
    Attendance.Status.EXCUSED: pgettext_lazy("group attendance status", "Excused"),
}

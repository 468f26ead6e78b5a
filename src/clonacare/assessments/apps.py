from __future__ import annotations

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "clonacare.assessments"
    label = "assessments"
    verbose_name = "Assessments and safety alerts"

    def ready(self) -> None:
        # Without a delivery thread in the process, a commit that queued alert mails runs
        # the short delivery pass itself (send, and escalate at once what no mail reached).
        from clonacare.assessments import delivery, notify

        notify.use_inline_pass(delivery.deliver_queued)

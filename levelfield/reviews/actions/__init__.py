"""The review service's use cases, one module per stage, re-exported here: every change to a
case goes through one of these, checks permission and state, writes in one transaction with its
audit event, and emails after the commit."""

from .closing import close_case, publish_outcome
from .investigation import record_findings, record_follow_up, request_response, respond
from .raising import add_evidence, raise_case
from .reminders import send_response_reminders
from .triage import accept_case, reject_case

__all__ = [
    "accept_case",
    "add_evidence",
    "close_case",
    "publish_outcome",
    "raise_case",
    "record_findings",
    "record_follow_up",
    "reject_case",
    "request_response",
    "respond",
    "send_response_reminders",
]

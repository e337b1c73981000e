"""The contracts app's use cases, one module per concern. The award ones are re-exported here
for the callers that came before the package (`contracts.actions.confirm_award`)."""

from .award import confirm_award, publish_award_notice, record_contract, sign_contract
from .exclusions import decide_exclusion

__all__ = [
    "confirm_award",
    "decide_exclusion",
    "publish_award_notice",
    "record_contract",
    "sign_contract",
]

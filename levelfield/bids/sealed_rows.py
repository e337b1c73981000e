"""The mixin for rows sealed with their tender's data key: bids, answers, commitments and
subcontractors. Kept apart from the models, so that any app's models can use it without
importing the bids' models (suppliers' models are imported by the tenders' own)."""

from levelfield.core.sealing import Sealable


class TenderSealable(Sealable):
    def sealing_key(self, key_id: bytes) -> bytes:
        from .sealing import data_key  # sealing imports the models

        return data_key(key_id)

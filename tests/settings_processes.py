"""Settings for the levelfield processes tests start (tests/processes.py): levelfield's own, with
the folder the file email backend writes to from the environment (EMAIL_FILE_PATH), which
levelfield's settings do not read."""

import os

from levelfield.settings import *  # noqa: F403

EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "")

"""Server processes keep their database connection between requests (settings.DB_CONN_MAX_AGE),
checked before a request reuses it: on by default with DEBUG off, as production runs, and off
with DEBUG on or DB_CONN_MAX_AGE=0. Each run is a new process, as settings are read once."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
READ = (
    "import django, orjson; django.setup(); from django.conf import settings; "
    "d = settings.DATABASES['default']; "
    "print(orjson.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]).decode())"
)


def connection_settings(tmp_path, settings_module: str, **env) -> list:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": settings_module,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "levelfield.example.org",
        "LEVELFIELD_VAR_DIR": str(tmp_path / "var"),
        "LEVELFIELD_KEK": "bGV2ZWxmaWVsZC10ZXN0LWtleS1ub3QtZm9yLXByb2Q=",
        **env,
    }
    # The settings' log lines go to stderr; the last line printed is the answer.
    printed = subprocess.check_output(
        [sys.executable, "-c", READ], env=environment, cwd=ROOT, text=True, timeout=120
    )
    return orjson.loads(printed.splitlines()[-1])


def test_production_keeps_connections_and_checks_them_before_reuse(tmp_path):
    assert connection_settings(tmp_path, "levelfield.settings_production") == [600, True]


def test_debug_on_closes_them_after_each_request(tmp_path):
    assert connection_settings(tmp_path, "levelfield.settings", DEBUG="true") == [0, False]


def test_the_environment_chooses(tmp_path):
    production = "levelfield.settings_production"
    assert connection_settings(tmp_path, production, DB_CONN_MAX_AGE="0") == [0, False]
    assert connection_settings(tmp_path, production, DB_CONN_MAX_AGE="60") == [60, True]

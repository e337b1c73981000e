"""`levelfield check --deploy` is clean with the production settings and the environment a
deployment gives them (a secret key, the host names); the same environment with the ordinary
settings is not (no HTTPS redirect, no HSTS), so the production settings are what make it clean.
Each run is a new process, as settings are read once."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

MANAGE = Path(__file__).resolve().parents[1] / "manage.py"


def check_deploy(settings_module: str, tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": settings_module,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "levelfield.example.org",
        "LEVELFIELD_VAR_DIR": str(tmp_path / "var"),
        "LEVELFIELD_KEK": "bGV2ZWxmaWVsZC10ZXN0LWtleS1ub3QtZm9yLXByb2Q=",
        **env,
    }
    return subprocess.run(
        [sys.executable, str(MANAGE), "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_settings_pass_the_deployment_check(tmp_path):
    result = check_deploy("levelfield.settings_production", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_ordinary_settings_with_debug_off_do_not(tmp_path):
    result = check_deploy("levelfield.settings", tmp_path, DEBUG="false")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "security.W004" in output  # no HSTS
    assert "security.W008" in output  # no redirect to HTTPS


def test_the_production_settings_refuse_debug(tmp_path):
    result = check_deploy("levelfield.settings_production", tmp_path, DEBUG="true")
    assert result.returncode != 0
    assert "The production settings refuse DEBUG on" in result.stderr


def test_the_production_settings_refuse_to_start_without_a_secret(tmp_path):
    result = check_deploy("levelfield.settings_production", tmp_path, SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_the_production_settings_refuse_to_start_without_the_key_encryption_key(tmp_path):
    result = check_deploy("levelfield.settings_production", tmp_path, LEVELFIELD_KEK="")
    assert result.returncode != 0
    assert "LEVELFIELD_KEK is not set" in result.stderr


def test_the_production_settings_refuse_a_malformed_key_encryption_key(tmp_path):
    result = check_deploy("levelfield.settings_production", tmp_path, LEVELFIELD_KEK="c2hvcnQ=")
    assert result.returncode != 0
    assert "LEVELFIELD_KEK must be base64 of 32 bytes" in result.stderr
    result = check_deploy(
        "levelfield.settings_production", tmp_path, LEVELFIELD_KEK_PREVIOUS="not base64!"
    )
    assert result.returncode != 0
    assert "LEVELFIELD_KEK_PREVIOUS must be base64 of 32 bytes" in result.stderr

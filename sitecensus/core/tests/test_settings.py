import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]


def test_locale_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans" and settings.TIME_ZONE == "Asia/Shanghai"


def test_argon2_is_the_production_hasher():
    from sitecensus import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DEBUG", "SITECENSUS_HTTPS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="census.example.gov.cn",
               SITECENSUS_VAR=str(tmp_path), DJANGO_SETTINGS_MODULE="sitecensus.settings")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_generated_once_into_var(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(SITECENSUS_VAR=str(tmp_path))
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = subprocess.run([sys.executable, "-c", f"import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','sitecensus.settings');django.setup();{code}"],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    second = subprocess.run([sys.executable, "-c", f"import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','sitecensus.settings');django.setup();{code}"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and len(first.stdout.strip()) > 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_static_assets_are_local():
    """No page template pulls anything from another host (offline intranets)."""
    templates = (ROOT / "sitecensus" / "templates").rglob("*.html")
    for path in templates:
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text and "//cdn" not in text, path

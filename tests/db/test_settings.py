import pytest

from qingshan.config import Settings, get_settings
from qingshan.errors import ConfigurationError


def test_bad_setting_is_named(monkeypatch):
    monkeypatch.setenv("QINGSHAN_HTTP_PORT", "99999")
    get_settings.cache_clear()
    try:
        with pytest.raises(
            ConfigurationError,
            match="QINGSHAN_HTTP_PORT: Input should be less than or equal to 65535",
        ):
            get_settings()
    finally:
        get_settings.cache_clear()


def test_bad_database_scheme_is_refused(monkeypatch):
    monkeypatch.setenv("QINGSHAN_DATABASE_URL", "mysql://x")
    get_settings.cache_clear()
    try:
        with pytest.raises(
            ConfigurationError, match="QINGSHAN_DATABASE_URL: Value error, must start with sqlite"
        ):
            get_settings()
    finally:
        get_settings.cache_clear()


def test_secret_required_outside_demo():
    with pytest.raises(ConfigurationError, match="QINGSHAN_SECRET_KEY is not set"):
        _ = Settings(demo=False, secret_key=None).signing_key
    assert Settings(demo=True).signing_key
    assert Settings(secret_key="s3cret-value" * 3).signing_key == "s3cret-value" * 3


def test_default_database_is_sqlite_under_data_dir(tmp_path):
    s = Settings(data_dir=tmp_path)
    assert s.db_url == f"sqlite:///{tmp_path.resolve()}/qingshan.db"

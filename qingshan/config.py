"""Settings, read from ``QINGSHAN_*`` environment variables (and an optional ``.env``).

Nothing is read at import time: call :func:`get_settings`. Secrets have no usable default
outside demo mode: :meth:`Settings.check` refuses to start without them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from qingshan.errors import ConfigurationError

DEMO_SECRET = "qingshan-demo-secret-not-for-production"


class Settings(BaseSettings):
    """Platform settings. Every field maps to ``QINGSHAN_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="QINGSHAN_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("var"), description="Parquet store, journals, SQLite file")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default sqlite:///<data_dir>/qingshan.db"
    )
    http_host: str = "127.0.0.1"
    http_port: int = Field(8000, ge=1, le=65535)
    hj212_host: str = "127.0.0.1"
    hj212_port: int = Field(9212, ge=1, le=65535)
    secret_key: str | None = Field(None, description="signs API tokens; required unless demo")
    demo: bool = Field(False, description="demo mode: demo accounts and a fixed demo secret")
    token_ttl_minutes: int = Field(8 * 60, ge=1)
    scheduler: bool = Field(True, description="run periodic jobs inside `qingshan serve`")
    hj212_listener: bool = Field(
        True, description="run the HJ 212 listener inside `qingshan serve`"
    )
    sim_loggers: int = Field(
        0, ge=0, le=5000, description="simulated data loggers feeding the listener (demo)"
    )

    @field_validator("database_url")
    @classmethod
    def _url_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must start with sqlite:// or postgresql+psycopg://")
        return value

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'qingshan.db').resolve()}"

    @property
    def observations_dir(self) -> Path:
        return self.data_dir / "observations"

    @property
    def journal_dir(self) -> Path:
        return self.data_dir / "journal"

    @property
    def signing_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        if self.demo:
            return DEMO_SECRET
        raise ConfigurationError(
            "QINGSHAN_SECRET_KEY is not set: it is required outside demo mode "
            "(set QINGSHAN_DEMO=1 for the demo)",
            setting="secret_key",
        )


@lru_cache
def get_settings() -> Settings:
    """The process's settings; a bad value raises :class:`ConfigurationError` naming it."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"QINGSHAN_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigurationError(f"bad settings: {problems}") from exc

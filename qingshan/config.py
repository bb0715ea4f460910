"""Settings, read from ``QINGSHAN_*`` environment variables (and an optional ``.env``).

Nothing is read at import time: call :func:`get_settings`. Secrets have no usable default
outside demo mode: :meth:`Settings.check` refuses to start without them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from qingshan.errors import ConfigurationError

DEMO_SECRET = "qingshan-demo-secret-not-for-production"

#: the shortest signing secret accepted outside demo mode
MIN_SECRET_BYTES = 32

#: hosts an OpenID Connect issuer may be reached on over plain http (a provider on this machine)
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class Settings(BaseSettings):
    """Platform settings. Every field maps to ``QINGSHAN_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="QINGSHAN_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("var"), description="Parquet store, journals, SQLite file")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default sqlite:///<data_dir>/qingshan.db"
    )
    observations_url: str | None = Field(
        None,
        description="where the Parquet observation store lives, as an fsspec URL (e.g. a "
        "dataset on storage every Dask worker sees); default <data_dir>/observations",
    )
    http_host: str = "127.0.0.1"
    http_port: int = Field(8000, ge=1, le=65535)
    hj212_host: str = "127.0.0.1"
    hj212_port: int = Field(9212, ge=1, le=65535)
    hj212_max_connections: int = Field(
        10_000, ge=1, le=1_000_000, description="HJ 212 connections open at once (more: refused)"
    )
    hj212_max_connections_per_address: int = Field(
        256, ge=1, le=1_000_000, description="HJ 212 connections from one IP address at once"
    )
    hj212_idle_timeout: float = Field(
        900.0, gt=0, le=86_400, description="close an HJ 212 connection silent this long [s]"
    )
    hj212_max_garbage_bytes: int = Field(
        64 * 1024, ge=20_022, le=1 << 30,
        description="close an HJ 212 connection after this many bytes without a valid frame",
    )  # fmt: skip
    hj212_max_bad_frames: int = Field(
        16, ge=1, le=1_000_000,
        description="close an HJ 212 connection after this many rejected frames in a row",
    )  # fmt: skip
    hj212_reject_queue: int = Field(
        1000, ge=1, le=1_000_000,
        description="HJ 212 reject rows kept per flush (2 s); beyond it they are only counted",
    )  # fmt: skip
    hj212_reject_max_rows: int = Field(
        100_000, ge=100, description="hj212_reject rows kept (the oldest deleted beyond)"
    )
    hj212_reject_retention_days: int = Field(
        30, ge=1, le=3660, description="hj212_reject rows older than this are deleted [days]"
    )
    hj212_processes: int = Field(
        1, ge=1, le=64,
        description="HJ 212 listener processes sharing the port (SO_REUSEPORT), a journal each",
    )  # fmt: skip
    secret_key: str | None = Field(None, description="signs API tokens; required unless demo")
    demo: bool = Field(False, description="demo mode: demo accounts and a fixed demo secret")
    token_ttl_minutes: int = Field(8 * 60, ge=1)
    login_rate_per_account: str = Field(
        "10/minute", description="failed logins per account (a `limits` rate string)"
    )
    login_rate_per_address: str = Field(
        "30/minute", description="failed logins per client address (a `limits` rate)"
    )
    login_lockout_failures: int = Field(
        5, ge=1, description="consecutive failed logins of one account before it is locked"
    )
    login_lockout_seconds: int = Field(
        30, ge=1, description="first lockout; doubles with every further failure"
    )
    login_lockout_max_seconds: int = Field(15 * 60, ge=1, description="longest lockout")
    cookie_secure: bool | None = Field(
        None,
        description="the login cookie's Secure flag; default: on, except in demo mode "
        "(served over plain http on localhost)",
    )
    hsts_seconds: int = Field(
        365 * 24 * 3600, ge=0, description="Strict-Transport-Security max-age (0: no header)"
    )
    public_enterprise_data: bool = Field(
        False,
        description="anonymous callers may read enterprise outlets and their series "
        "(published self-monitoring); off: ambient air and surface water only",
    )
    # single sign-on through the government's OpenID Connect identity provider (off by default;
    # docs/architecture.md, "Single sign-on"): the issuer, client id and client secret together
    oidc_issuer: str | None = Field(
        None,
        description="OpenID Connect issuer URL (discovery at <issuer>/.well-known/"
        "openid-configuration); https unless localhost",
    )
    oidc_client_id: str | None = Field(None, description="this platform's client id at the issuer")
    oidc_client_secret: SecretStr | None = Field(
        None, validate_default=True, description="this platform's client secret at the issuer"
    )
    oidc_display_name: str = Field(
        "政务服务网统一身份认证", min_length=1, max_length=64,
        description="the identity provider's name on the login button (使用…登录)",
    )  # fmt: skip
    oidc_scopes: str = Field("openid profile", description="scopes asked for (with openid)")
    oidc_role_claim: str = Field(
        "qingshan_role", min_length=1, description="ID token claim carrying the role"
    )
    oidc_region_claim: str = Field(
        "region_code", min_length=1, description="ID token claim carrying the GB/T 2260 region"
    )
    oidc_provision_users: bool = Field(
        True,
        description="create an account on a subject's first login (role and region from the "
        "claims); off: only accounts linked beforehand may sign in",
    )
    scheduler: bool = Field(True, description="run periodic jobs inside `qingshan serve`")
    hj212_listener: bool = Field(
        True, description="run the HJ 212 listener inside `qingshan serve`"
    )
    sim_loggers: int = Field(
        0, ge=0, le=5000, description="simulated data loggers feeding the listener (demo)"
    )
    max_request_bytes: int = Field(
        1024 * 1024, ge=1024, description="largest request body the API accepts (413 above)"
    )
    export_max_bytes: int = Field(
        16 * 1024 * 1024, ge=1024, description="largest table POST /api/v1/export/table takes"
    )
    max_items_per_request: int = Field(
        1000, ge=1, description="records in one batch request (e.g. /standards/aqi)"
    )
    max_range_days: int = Field(
        366, ge=1, description="longest [start, end) of /qc/.../flags and /transmission"
    )
    max_mark_days: int = Field(366, ge=1, description="longest QC mark 企业标记")
    max_file_bytes: int = Field(
        64 * 1024 * 1024, ge=1, description="largest file `devices import` and the CLI read"
    )
    case_evidence_max_bytes: int = Field(
        10 * 1024 * 1024, ge=1024, description="largest evidence file of a case (photo, PDF)"
    )
    case_evidence_types: str = Field(
        "jpeg,png,webp,pdf,docx,xlsx",
        description="evidence kinds accepted, by content: jpeg png webp pdf docx xlsx",
    )
    complaint_rate_per_address: str = Field(
        "20/hour", description="public complaints (form and Open311) per client address (`limits`)"
    )
    complaint_lookup_rate_per_address: str = Field(
        "30/hour", description="failed complaint tracking lookups per client address (`limits`)"
    )
    public_rate_per_address: str = Field(
        "120/minute", description="public portal pages (/public…) per client address (`limits`)"
    )
    complaint_max_photos: int = Field(
        3, ge=0, le=10, description="photos one public complaint may carry"
    )
    open311_api_keys: str = Field(
        "",
        description="Open311 POST requests need one of these keys (comma-separated); "
        "empty: no key needed",
    )
    # 数据时效 /freshness (qingshan.monitoring.freshness): when data count as late or missing
    freshness_air_late_hours: float = Field(2.0, gt=0, description="air station late after [h]")
    freshness_air_missing_hours: float = Field(24.0, gt=0, description="air station missing [h]")
    freshness_water_period_hours: float = Field(
        4.0, gt=0, description="a water section's reporting period unless its own is set [h]"
    )
    freshness_water_late_periods: float = Field(2.0, gt=0, description="water late after periods")
    freshness_water_missing_hours: float = Field(48.0, gt=0, description="water missing [h]")
    freshness_logger_late_intervals: float = Field(
        3.0, gt=0, description="a data logger is late after this many of its intervals"
    )
    freshness_logger_missing_hours: float = Field(24.0, gt=0, description="logger missing [h]")
    # 地表水水质预测预警 (qingshan.forecast.water_service): warn when a section's probability of
    # missing its target class passes this
    forecast_water_warning_threshold: float = Field(
        0.6, gt=0, lt=1, description="water forecast: warn at this miss probability"
    )
    # 危险废物贮存 (qingshan.waste.ledger_service): the producers' storage limit [days]; operators
    # are held to one year by 固废法 2020 Art. 81 ¶3, producers as the province decides
    waste_producer_storage_days: int = Field(
        365, ge=1, le=3650, description="hazardous waste: producers' storage limit [days]"
    )
    # 电子围栏 (qingshan.zones.fences): the radius of a new fence [m] (no standard sets one: the
    # platform's default; officers change it per fence) and which (event kind:site kind) alerts
    # open a case, e.g. "outlet:source,complaint:source"; "" opens none
    zones_fence_radius_m: float = Field(
        1000.0, ge=10, le=50_000, description="electronic fences: default radius of a new fence [m]"
    )
    zones_fence_cases: str = Field(
        "outlet:source", max_length=200,
        description="electronic fences: alerts that open a case, as event_kind:site_kind pairs",
    )  # fmt: skip

    @field_validator("database_url")
    @classmethod
    def _url_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must start with sqlite:// or postgresql+psycopg://")
        return value

    @field_validator("oidc_issuer", "oidc_client_id", "oidc_client_secret", mode="before")
    @classmethod
    def _oidc_blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("oidc_issuer")
    @classmethod
    def _oidc_issuer_https(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError(f"{value!r} is not an https:// URL")
        if parts.query or parts.fragment:
            raise ValueError(f"{value!r}: an issuer URL has no query or fragment")
        if parts.scheme == "http" and parts.hostname not in _LOCAL_HOSTS:
            raise ValueError(
                f"{value!r} must use https (plain http only for localhost or 127.0.0.1)"
            )
        return value

    @field_validator("oidc_scopes")
    @classmethod
    def _oidc_scopes_openid(cls, value: str) -> str:
        if "openid" not in value.split():
            raise ValueError(f"{value!r} lacks the scope openid (OpenID Connect needs it)")
        return value

    @field_validator("oidc_client_secret")
    @classmethod
    def _oidc_all_or_none(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if "oidc_issuer" not in info.data or "oidc_client_id" not in info.data:
            return value  # the issuer or the client id itself was refused: reported there
        given = {
            "QINGSHAN_OIDC_ISSUER": info.data["oidc_issuer"],
            "QINGSHAN_OIDC_CLIENT_ID": info.data["oidc_client_id"],
            "QINGSHAN_OIDC_CLIENT_SECRET": value,
        }
        missing = [name for name, v in given.items() if v is None]
        if 0 < len(missing) < len(given):
            raise ValueError(
                "single sign-on needs QINGSHAN_OIDC_ISSUER, QINGSHAN_OIDC_CLIENT_ID and "
                "QINGSHAN_OIDC_CLIENT_SECRET together, or none of them; missing: "
                + ", ".join(missing)
            )
        return value

    @property
    def oidc_enabled(self) -> bool:
        """Whether single sign-on through :attr:`oidc_issuer` is configured."""
        return self.oidc_issuer is not None and self.oidc_client_id is not None

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'qingshan.db').resolve()}"

    @property
    def observations_dir(self) -> Path | str:
        """The observation store's root: :attr:`observations_url` when set (any fsspec URL,
        :class:`~qingshan.timeseries.store.ObservationStore` opens it), else a local directory."""
        return self.observations_url or self.data_dir / "observations"

    @property
    def journal_dir(self) -> Path:
        return self.data_dir / "journal"

    @property
    def secure_cookie(self) -> bool:
        """Whether the login cookie is ``Secure``: the setting, else on outside demo mode."""
        return self.cookie_secure if self.cookie_secure is not None else not self.demo

    @property
    def signing_key(self) -> str:
        if self.secret_key:
            if len(self.secret_key.encode()) < MIN_SECRET_BYTES and not self.demo:
                raise ConfigurationError(
                    f"QINGSHAN_SECRET_KEY is too short: at least {MIN_SECRET_BYTES} bytes outside "
                    "demo mode (python -c 'import secrets; print(secrets.token_urlsafe(32))')",
                    setting="secret_key",
                )
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

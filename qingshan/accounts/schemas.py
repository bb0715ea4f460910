"""API shapes of accounts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from qingshan.accounts.models import Role


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class UserCreate(BaseModel):
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=8, max_length=128)
    role: Role
    region_code: str = Field(pattern=r"^\d{6}$")
    enterprise_id: int | None = None
    display_name: str = ""


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: Role
    region_code: str
    enterprise_id: int | None

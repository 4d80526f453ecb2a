"""The account forms (pydantic models rendered and parsed by ``shipyard.forms``).

Only shape is checked here (address syntax, matching confirmations); the password
policy needs the app's settings and is applied by the flows.
"""

from __future__ import annotations

import re
from typing import Annotated, Self

from pydantic import BaseModel, Field, SecretStr, ValidationInfo, field_validator, model_validator

from shipyard.forms import Widget

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")

Email = Annotated[str, Field(max_length=320, title="Email")]
Password = Annotated[SecretStr, Field(title="Password")]
NextPath = Annotated[str, Widget("hidden")]


def _check_email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError("Enter a valid email address, like name@example.com.")
    return value


def _matches_password(value: SecretStr, info: ValidationInfo) -> SecretStr:
    """The confirmation equals the password (checked beside the other fields' errors)."""
    password = info.data.get("password")
    if isinstance(password, SecretStr) and password.get_secret_value() != value.get_secret_value():
        raise ValueError("The two passwords do not match.")
    return value


class RegisterForm(BaseModel):
    email: Email
    password: Password
    password_confirm: Annotated[SecretStr, Field(title="Confirm password")]

    _email = field_validator("email")(_check_email)
    _confirm = field_validator("password_confirm")(_matches_password)


class LoginForm(BaseModel):
    email: Email
    password: Password
    remember: Annotated[bool, Field(title="Remember me")] = False
    next: NextPath = ""


class LogoutForm(BaseModel):
    everywhere: Annotated[bool, Field(title="Log out on every device")] = False


class ForgotPasswordForm(BaseModel):
    email: Email

    _email = field_validator("email")(_check_email)


class ResetPasswordForm(BaseModel):
    token: Annotated[str, Widget("hidden")]
    password: Annotated[SecretStr, Field(title="New password")]
    password_confirm: Annotated[SecretStr, Field(title="Confirm new password")]

    @model_validator(mode="after")
    def _passwords_match(self) -> Self:
        if self.password.get_secret_value() != self.password_confirm.get_secret_value():
            raise ValueError("The two passwords do not match.")
        return self


class ChangePasswordForm(BaseModel):
    current_password: Annotated[SecretStr, Field(title="Current password")]
    new_password: Annotated[SecretStr, Field(title="New password")]
    new_password_confirm: Annotated[SecretStr, Field(title="Confirm new password")]

    @model_validator(mode="after")
    def _passwords_match(self) -> Self:
        if self.new_password.get_secret_value() != self.new_password_confirm.get_secret_value():
            raise ValueError("The two new passwords do not match.")
        return self


class ChangeEmailForm(BaseModel):
    new_email: Annotated[str, Field(max_length=320, title="New email")]
    current_password: Annotated[SecretStr, Field(title="Current password")]

    _email = field_validator("new_email")(_check_email)

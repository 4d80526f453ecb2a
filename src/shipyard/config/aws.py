"""``secret://aws/NAME``: secrets from AWS Secrets Manager (needs ``shipyard[aws]``).

Region and endpoint come from ``config.aws_region`` / ``config.aws_endpoint_url`` or the
standard variables (``AWS_REGION``, ``AWS_DEFAULT_REGION``, ``AWS_ENDPOINT_URL_SECRETS_MANAGER``,
``AWS_ENDPOINT_URL``); credentials from the usual AWS chain, reading the ``AWS_*``
variables of the environment the settings are loaded from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from shipyard.errors import ShipyardError

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient


class AwsSecretProvider:
    """Reads ``SecretString`` (or UTF-8 ``SecretBinary``) of a Secrets Manager secret."""

    def __init__(
        self,
        environ: Mapping[str, str],
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
    ) -> None:
        self._environ = environ
        self._region = region or environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")
        self._endpoint_url = (
            endpoint_url
            or environ.get("AWS_ENDPOINT_URL_SECRETS_MANAGER")
            or environ.get("AWS_ENDPOINT_URL")
        )
        self._client: SecretsManagerClient | None = None

    def _connect(self) -> SecretsManagerClient:
        import boto3
        from botocore.config import Config

        if self._region is None:
            raise ShipyardError(
                "no AWS region is configured",
                hint="set config.aws_region or the AWS_REGION environment variable",
            )
        env = self._environ
        session = boto3.session.Session(
            aws_access_key_id=env.get("AWS_ACCESS_KEY_ID"),
            aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY"),
            aws_session_token=env.get("AWS_SESSION_TOKEN"),
            profile_name=env.get("AWS_PROFILE"),
        )
        return session.client(
            "secretsmanager",
            region_name=self._region,
            endpoint_url=self._endpoint_url,
            config=Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 2}),
        )

    def resolve(self, name: str) -> str:
        try:
            from botocore.exceptions import BotoCoreError, ClientError
        except ImportError:
            raise ShipyardError(
                "boto3 is not installed", hint="pip install 'shipyard[aws]'"
            ) from None
        where = self._endpoint_url or f"AWS Secrets Manager in {self._region}"
        try:
            if self._client is None:
                self._client = self._connect()
            answer = self._client.get_secret_value(SecretId=name)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code == "ResourceNotFoundException":
                raise ShipyardError(
                    f"AWS secret {name!r} does not exist ({where})",
                    hint="create it, or fix the name, region or endpoint",
                ) from None
            raise ShipyardError(
                f"AWS refused to read secret {name!r}: {exc}",
                hint="check the credentials and their secretsmanager:GetSecretValue permission",
            ) from None
        except BotoCoreError as exc:
            raise ShipyardError(
                f"AWS Secrets Manager is unreachable or misconfigured: {exc}",
                hint="check the network, the credentials and config.aws_endpoint_url",
            ) from None
        if "SecretString" in answer:
            return answer["SecretString"]
        return answer["SecretBinary"].decode("utf-8")

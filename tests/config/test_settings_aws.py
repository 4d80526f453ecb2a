"""``secret://aws/NAME`` against a real moto server (AWS Secrets Manager emulator)."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest
from tests.config.conftest import Project

from shipyard.config import ConfigError
from shipyard.testing.services import free_port

pytestmark = pytest.mark.aws

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture
def secret_names(moto_endpoint: str) -> dict[str, str]:
    """Two fresh secrets on the moto server: a plain string and a JSON document."""
    client = boto3.client(
        "secretsmanager",
        region_name="us-east-1",
        endpoint_url=moto_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    suffix = uuid.uuid4().hex[:8]
    names = {"plain": f"app/key-{suffix}", "json": f"app/db-{suffix}"}
    client.create_secret(Name=names["plain"], SecretString="aws-secret-key")
    client.create_secret(
        Name=names["json"],
        SecretString=json.dumps({"url": "postgresql+asyncpg://aws/db", "port": 5544}),
    )
    return names


def test_aws_secret_configured_in_settings(
    project: Project, moto_endpoint: str, secret_names: dict[str, str]
) -> None:
    project.write(
        "config/settings.toml",
        f"""
        [config]
        aws_region = "us-east-1"
        aws_endpoint_url = "{moto_endpoint}"
        [app]
        secret_key = "secret://aws/{secret_names["plain"]}"
        [database]
        url = "secret://aws/{secret_names["json"]}#url"
        """,
    )
    loaded = project.load(environ=CREDENTIALS)
    assert loaded.settings.app.secret_key.get_secret_value() == "aws-secret-key"
    assert loaded.settings.database.url.get_secret_value() == "postgresql+asyncpg://aws/db"
    assert loaded.provenance["database.url"].name == f"secret://aws/{secret_names['json']}#url"


def test_aws_region_and_endpoint_from_standard_variables(
    project: Project, moto_endpoint: str, secret_names: dict[str, str]
) -> None:
    env = {
        **CREDENTIALS,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": moto_endpoint,
        "SHIPYARD_SERVER__PORT": f"secret://aws/{secret_names['json']}#port",
    }
    assert project.load(environ=env).settings.server.port == 5544


def test_aws_secret_not_found(project: Project, moto_endpoint: str) -> None:
    env = {
        **CREDENTIALS,
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_SECRETS_MANAGER": moto_endpoint,
        "SHIPYARD_APP__SECRET_KEY": "secret://aws/does/not/exist",
    }
    with pytest.raises(ConfigError) as caught:
        project.load(environ=env)
    (problem,) = caught.value.problems
    assert problem.key == "app.secret_key"
    assert "secret://aws/does/not/exist" in problem.message
    assert "AWS secret 'does/not/exist' does not exist" in problem.message
    assert "fix: create it" in problem.message


def test_aws_unreachable(project: Project) -> None:
    env = {
        **CREDENTIALS,
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}",
        "SHIPYARD_APP__SECRET_KEY": "secret://aws/x",
    }
    with pytest.raises(ConfigError) as caught:
        project.load(environ=env)
    assert "unreachable or misconfigured" in caught.value.problems[0].message


def test_aws_without_region(project: Project) -> None:
    env = {**CREDENTIALS, "SHIPYARD_APP__SECRET_KEY": "secret://aws/x"}
    with pytest.raises(ConfigError, match="no AWS region is configured"):
        project.load(environ=env)

"""What importing the framework loads: libraries only some apps use stay out until used.

Every worker of every app imports ``shipyard.app``; Pillow (~7 MB), httpx (~16 MB with
its dependencies), boto3 (~11 MB), cryptography (~8 MB, SNS and SendGrid webhooks),
inscriptis with lxml (mail text parts), watchfiles (config hot reload) and typer (the
CLI) load when an app reads an image, calls a provider's API, receives a webhook, sends
a mail, watches its config or runs a command, not at start-up (issue 14's idle-RSS and
start-up goals).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

OPTIONAL = (
    "PIL.Image",
    "httpx",
    "boto3",
    "azure.storage.blob",
    "opentelemetry.sdk",
    "cryptography",
    "inscriptis",
    "lxml",
    "watchfiles",
    "typer",
)


@pytest.mark.parametrize("module", ["shipyard.app", "shipyard.mail", "shipyard.storage"])
def test_optional_libraries_stay_out_of_an_app_until_used(module: str) -> None:
    code = (
        f"import sys, {module}; "
        f"loaded = [name for name in {OPTIONAL!r} if name in sys.modules]; "
        "assert not loaded, loaded"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]

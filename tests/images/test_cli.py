"""``shipyard images variants``: the declared variants of every attached image, made (or
made again with --regenerate) where the app keeps its files; refused images listed."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from PIL import Image
from tests.images.pictures import bomb_png, png
from tests.images.support import LARGE, THUMB, Boat, images_app, new_boat
from typer.testing import CliRunner

from shipyard.cli.main import cli
from shipyard.db.extension import get_database
from shipyard.images import variant_key
from shipyard.storage import STORAGE

APP_SOURCE = """
from pathlib import Path

from tests.images.support import images_app

app = images_app(Path(__file__).parent)
"""


@pytest.fixture
def app_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """``module:app`` of the boats app (its files under ``tmp_path``), for ``--app``."""
    module = f"imagesapp_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text(APP_SOURCE)
    monkeypatch.syspath_prepend(str(tmp_path))
    return f"{module}:app"


async def test_variants_are_made_kept_and_made_again(app_spec: str, tmp_path: Path) -> None:
    app = images_app(tmp_path)
    async with app.router.lifespan_context(app):
        photo_boat = await new_boat(app, png())
        await new_boat(app, bomb_png())
        async with get_database(app).sessionmaker() as session:
            photo = await (await session.get_one(Boat, photo_boat)).photo.get()
        assert photo is not None
        storage = STORAGE.get(app)
        runner = CliRunner()

        made = runner.invoke(cli, ["images", "variants", "--app", app_spec])
        assert made.exit_code == 0, made.output
        assert "2 variant(s) of 1 image(s) ready, 1 refused" in made.output
        assert "boat.jpg: The image is too large to process" in made.output
        thumb = Image.open(io.BytesIO(await storage.get(variant_key(photo.key, THUMB))))
        assert (thumb.format, thumb.size) == ("WEBP", (8, 8))
        assert await storage.exists(variant_key(photo.key, LARGE))

        await storage.put(b"stale", key=variant_key(photo.key, THUMB))
        kept = runner.invoke(cli, ["images", "variants", "--app", app_spec])
        assert "2 variant(s) of 1 image(s) ready" in kept.output
        assert await storage.get(variant_key(photo.key, THUMB)) == b"stale"  # stored: kept

        again = runner.invoke(cli, ["images", "variants", "--regenerate", "--app", app_spec])
        assert again.exit_code == 0, again.output
        assert "2 variant(s) of 1 image(s) made again, 1 refused" in again.output
        assert await storage.get(variant_key(photo.key, THUMB)) != b"stale"


def test_the_help_explains_the_command() -> None:
    result = CliRunner().invoke(cli, ["images", "variants", "--help"])
    assert result.exit_code == 0
    assert "--regenerate" in result.output
    assert "declared variants of every attached image" in result.output

"""The ``Ship`` table."""

from __future__ import annotations

from shipyard.attachments import Attachment, Attachments
from shipyard.db import IdMixin, Model, TimestampMixin
from shipyard.images import Variant
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

NAME_MAX_LENGTH = 100


class Ship(IdMixin, TimestampMixin, Model):
    """A ship in the harbour, known by its unique name.

    ``owner_id`` is the user who added it; the fleet (seeded, or added by a manager) has
    no owner and everyone sees it. ``ShipPolicy`` (``app/ships/policy.py``) decides who
    sees and changes which ship. ``photo`` is an optional picture, kept by Shipyard's
    storage (no column here: ``shipyard_attachments`` ties it to the ship) and deleted
    by the purge job when the ship is. Pages show its variants, never the upload itself:
    ``thumb`` in the fleet table, ``large`` on the ship's details (upright, without the
    camera's EXIF and GPS position). ``papers`` are its documents, sent by the browser
    straight to the store (direct uploads), kept and purged the same way.
    """

    __tablename__ = "ships"

    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH), unique=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, default=None
    )
    photo = Attachment(
        variants={
            "thumb": Variant(resize_to_fill=(48, 48), format="webp"),
            "large": Variant(resize_to_limit=(640, 640)),
        }
    )
    papers = Attachments()

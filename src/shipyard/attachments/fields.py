"""``Attachment`` and ``Attachments``: one file, or many, in a named slot of a model.

::

    class Ship(Model, IdMixin):
        __tablename__ = "ships"
        photo = Attachment(variants={"thumb": Variant(resize_to_fill=(200, 200))})
        papers = Attachments()

    blob = await ship.photo.attach(upload, storage=storage)   # replaces the old photo
    url = await ship.photo.url(storage=storage)               # None without a photo
    thumb = await ship.photo.variant_url("thumb", images=images)  # made when first shown
    await ship.papers.attach(pdf, storage=storage)
    for blob in await ship.papers.all(): ...

The record must be in an ``AsyncSession`` (it is flushed to get its id). Attaching
writes in that session's transaction; a replaced or detached file is scheduled for the
purge job, which deletes it once nothing references it. Deleting the record schedules
all its files (see :mod:`.lifecycle`). A slot's ``variants`` are named
:class:`~shipyard.images.Variant` specs; attaching with ``jobs=`` makes them at once in
a background job (:class:`~shipyard.images.GenerateVariants`) after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Generic, TypeVar, overload

from sqlalchemy import delete, insert, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession, async_object_session

from shipyard.attachments.blobs import AttachableFile, blob_url, create_blob, schedule_purge
from shipyard.attachments.tables import Blob, attachments_table, blobs_table
from shipyard.core.clock import utc_now
from shipyard.errors import ShipyardError
from shipyard.images import GenerateVariants, Images, Variant
from shipyard.jobs import Jobs
from shipyard.storage import Storage

ATTACHED_TYPES: dict[type[Any], str] = {}
"""Every model class with attachment slots, and its record type (its table's name)."""

Handle = TypeVar("Handle", bound="AttachedFiles")


class AttachedFiles:
    """The files in one slot of one record."""

    def __init__(self, record: Any, slot: _Slot[Any]) -> None:
        self.record = record
        self.name = slot.name
        self.slot = slot

    def variant(self, name: str) -> Variant:
        """The slot's variant called ``name``."""
        return self.slot.variant(name)

    async def _session(self) -> AsyncSession:
        session = async_object_session(self.record)
        if session is None:
            raise ShipyardError(
                f"{type(self.record).__name__}.{self.name}: the record is not in a session",
                hint="session.add(record) first (attachments are written in its transaction)",
            )
        if inspect(self.record).identity is None:
            await session.flush()
        return session

    async def _where(self) -> tuple[AsyncSession, Any]:
        session = await self._session()
        identity = inspect(self.record).identity
        if identity is None or len(identity) != 1:
            raise ShipyardError(
                f"{type(self.record).__name__} needs a one-column primary key for attachments",
                hint="give the model an id column (IdMixin)",
            )
        table = attachments_table.c
        condition = (
            (table.record_type == ATTACHED_TYPES[type(self.record)])
            & (table.record_id == str(identity[0]))
            & (table.name == self.name)
        )
        return session, condition

    async def blobs(self) -> list[Blob]:
        """The blobs in this slot, oldest first."""
        session, condition = await self._where()
        rows = await session.execute(
            select(blobs_table)
            .join(attachments_table, attachments_table.c.blob_id == blobs_table.c.id)
            .where(condition)
            .order_by(attachments_table.c.id)
        )
        return [Blob.from_row(row) for row in rows]

    async def _add(
        self, upload: AttachableFile | Blob, storage: Storage, jobs: Jobs | None
    ) -> Blob:
        session, _ = await self._where()
        blob = upload if isinstance(upload, Blob) else await create_blob(session, storage, upload)
        identity = inspect(self.record).identity
        await session.execute(
            insert(attachments_table).values(
                record_type=ATTACHED_TYPES[type(self.record)],
                record_id=str(identity[0]),
                name=self.name,
                blob_id=blob.id,
                created_at=utc_now(),
            )
        )
        if jobs is not None and self.slot.variants:
            variants = list(self.slot.variants.values())
            await jobs.enqueue(GenerateVariants(key=blob.key, variants=variants), session=session)
        return blob

    async def detach(self, blob: Blob | None = None) -> None:
        """Remove ``blob`` (or every file) from this slot; the purge job deletes it."""
        session, condition = await self._where()
        if blob is not None:
            condition = condition & (attachments_table.c.blob_id == blob.id)
        ids: list[int] = list(
            (await session.scalars(select(attachments_table.c.blob_id).where(condition))).all()
        )
        await session.execute(delete(attachments_table).where(condition))
        await schedule_purge(session, ids)


class AttachedOne(AttachedFiles):
    """The single file of an :class:`Attachment` slot."""

    async def get(self) -> Blob | None:
        """The attached blob, or None."""
        blobs = await self.blobs()
        return blobs[-1] if blobs else None

    async def attach(
        self, upload: AttachableFile | Blob, *, storage: Storage, jobs: Jobs | None = None
    ) -> Blob:
        """Store ``upload`` (a blob is stored already: a confirmed direct upload) and make
        it this slot's file (the old one is purged).

        With ``jobs``, the slot's variants are made in a job once the session commits.
        """
        await self.detach()
        return await self._add(upload, storage, jobs)

    async def url(
        self, *, storage: Storage, expires_in: int | None = None, inline: bool = True
    ) -> str | None:
        """A signed URL of the file, or None when there is none."""
        blob = await self.get()
        return (
            None
            if blob is None
            else await blob_url(storage, blob, expires_in=expires_in, inline=inline)
        )

    async def variant_url(
        self, name: str, *, images: Images, expires_in: int | None = None
    ) -> str | None:
        """A signed link to the file's variant ``name`` (made on its first request), or None."""
        variant = self.variant(name)
        blob = await self.get()
        return None if blob is None else images.url(blob, variant, expires_in=expires_in)


class AttachedMany(AttachedFiles):
    """The files of an :class:`Attachments` slot."""

    async def all(self) -> list[Blob]:
        """Every attached blob, oldest first."""
        return await self.blobs()

    async def attach(
        self, *uploads: AttachableFile | Blob, storage: Storage, jobs: Jobs | None = None
    ) -> list[Blob]:
        """Store each of ``uploads`` (blobs are stored already) and add it to this slot
        (variants: see AttachedOne)."""
        return [await self._add(upload, storage, jobs) for upload in uploads]

    async def urls(
        self, *, storage: Storage, expires_in: int | None = None, inline: bool = False
    ) -> list[tuple[Blob, str]]:
        """Each blob with a signed URL (downloads, by default)."""
        return [
            (blob, await blob_url(storage, blob, expires_in=expires_in, inline=inline))
            for blob in await self.blobs()
        ]


class _Slot(Generic[Handle]):
    handle: type[Handle]

    def __init__(self, *, variants: Mapping[str, Variant] | None = None) -> None:
        self.name = ""
        self.owner = ""
        self.record_type = ""
        self.variants = dict(variants or {})

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.name = name
        table = getattr(owner, "__tablename__", None)
        if not isinstance(table, str):
            raise ShipyardError(
                f"{owner.__name__}.{name}: attachments need a mapped model with a __tablename__",
                hint="declare the slot on a Model subclass",
            )
        ATTACHED_TYPES[owner] = table
        self.owner = owner.__name__
        self.record_type = table

    def variant(self, name: str) -> Variant:
        """The slot's variant called ``name``."""
        try:
            return self.variants[name]
        except KeyError:
            raise ShipyardError(
                f"{self.owner}.{self.name} has no variant {name!r}",
                hint=f"declare it: Attachment(variants={{{name!r}: Variant(...)}})",
            ) from None

    async def last_of(self, session: AsyncSession, records: Iterable[Any]) -> dict[Any, Blob]:
        """Each record's file (its newest in an ``Attachments`` slot) by the record's id,
        in one query: a list page shows thumbnails without a query per row."""
        ids = {
            str(identity[0]): identity[0]
            for record in records
            if (identity := inspect(record).identity) is not None
        }
        table = attachments_table.c
        rows = await session.execute(
            select(blobs_table, table.record_id)
            .join(attachments_table, table.blob_id == blobs_table.c.id)
            .where(
                table.record_type == self.record_type,
                table.name == self.name,
                table.record_id.in_(list(ids)),
            )
            .order_by(table.id)
        )
        return {ids[row.record_id]: Blob.from_row(row) for row in rows}

    @overload
    def __get__(self, record: None, owner: type[Any]) -> _Slot[Handle]: ...

    @overload
    def __get__(self, record: object, owner: type[Any]) -> Handle: ...

    def __get__(self, record: object | None, owner: type[Any]) -> _Slot[Handle] | Handle:
        if record is None:
            return self
        return self.handle(record, self)


class Attachment(_Slot[AttachedOne]):
    """A slot for one file on a model (``photo = Attachment()``), with named ``variants``."""

    handle = AttachedOne


class Attachments(_Slot[AttachedMany]):
    """A slot for any number of files on a model (``papers = Attachments()``), with
    named ``variants`` of each (``images.url(blob, slot.variant("thumb"))``)."""

    handle = AttachedMany


def slots_with_variants() -> list[_Slot[Any]]:
    """Every attachment slot of the models imported so far that declares variants."""
    return [
        slot
        for owner in ATTACHED_TYPES
        for slot in vars(owner).values()
        if isinstance(slot, _Slot) and slot.variants
    ]

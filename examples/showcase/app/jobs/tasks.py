"""The showcase's jobs: an inspection that needs the ship to exist (and mails its report),
a wreck that always fails (it ends in the dead letters), and a census the cron schedule
runs.

Names are explicit so stored jobs keep working if the modules move.
"""

from shipyard.core.clock import utc_now
from shipyard.jobs import Job, JobContext, RetryPolicy
from sqlalchemy import func, select

from app.jobs.mails import FLEET_OFFICE, InspectionReport
from app.ships.models import Ship


class InspectShip(Job):
    """Inspect a ship of the fleet: fails (twice, then dead) while no ship has that name.

    Add the ship, retry the dead job from the dashboard, and it succeeds, mailing an
    :class:`InspectionReport` to the fleet office.
    """

    name = "showcase.inspect_ship"
    retry = RetryPolicy(attempts=2, base=0.5, jitter=0.0)

    ship: str

    async def run(self, ctx: JobContext) -> None:
        async with ctx.session() as session:
            found = await session.scalar(select(Ship.id).where(Ship.name == self.ship))
        if found is None:
            raise LookupError(f"no ship named {self.ship!r} in the fleet")
        ctx.logger.info("ship %s (#%s) inspected", self.ship, found)
        report = InspectionReport(
            to=FLEET_OFFICE, ship=self.ship, ship_id=found, inspected_at=utc_now()
        )
        await report.send(ctx.app)


class Shipwreck(Job):
    """Always fails: three quick attempts, then the dead-letter set."""

    name = "showcase.shipwreck"
    retry = RetryPolicy(attempts=3, base=0.5, factor=2.0, jitter=0.0)

    async def run(self, ctx: JobContext) -> None:
        raise RuntimeError(f"the ship ran aground (attempt {ctx.attempt} of {ctx.max_attempts})")


class FleetCensus(Job):
    """Count the fleet and log it (the cron schedule runs this every ten minutes)."""

    name = "showcase.fleet_census"

    async def run(self, ctx: JobContext) -> None:
        async with ctx.session() as session:
            ships = await session.scalar(select(func.count()).select_from(Ship))
        ctx.logger.info("the fleet counts %s ship(s)", ships)

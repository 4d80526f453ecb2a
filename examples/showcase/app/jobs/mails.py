"""The showcase's own mail: the inspection report a job sends once a ship is inspected.

Its HTML template (``app/templates/mail/inspection_report.html``) extends the framework's
mail layout; the text part is derived from it. ``preview()`` gives the previewer
(``/_shipyard/mail`` in development) its sample.
"""

from datetime import UTC, datetime

from shipyard.mail import Mail

FLEET_OFFICE = "fleet-office@example.com"


class InspectionReport(Mail):
    """Tells the fleet office that a ship passed its inspection."""

    template = "mail/inspection_report"
    subject = "Inspection passed: {{ ship }}"
    stored_as = "showcase.inspection_report"

    ship: str
    ship_id: int
    inspected_at: datetime

    @classmethod
    def preview(cls) -> "InspectionReport":
        return cls(
            to=FLEET_OFFICE,
            ship="Endeavour",
            ship_id=1,
            inspected_at=datetime(2030, 1, 1, 9, 30, tzinfo=UTC),
            headers={"List-Unsubscribe": "<mailto:fleet-office@example.com?subject=stop>"},
        )

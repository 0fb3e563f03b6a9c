"""The student's profile: whose portfolio it is, shown on the cover and in the certificate."""

from __future__ import annotations

from dataclasses import dataclass

from portfolio_app.core.domain.errors import ValidationError


@dataclass(frozen=True)
class Profile:
    """Who the student is and what they study."""

    name: str
    student_id: str = ""
    profession: str = ""
    programme: str = ""
    institution: str = ""
    tutor: str = ""
    intake: str = ""

    def validate(self) -> None:
        """Raise ValidationError when the profile cannot be stored."""
        if not self.name.strip():
            raise ValidationError("the profile needs the student's name")

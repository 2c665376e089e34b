"""The member directory: organizations, people, courses, funding streams, needs, embeddings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, utcnow

ORGANIZATION_KINDS = (
    "manufacturer",
    "technology_firm",
    "research_institution",
    "innovation_centre",
    "service_provider",
    "training_provider",
)
PERSON_ROLES = ("researcher", "contact", "staff")
VISIBILITIES = ("public", "staff", "hidden")  # public to members / staff only / hidden from matching
DELIVERIES = ("online", "in-person", "hybrid")
LANGUAGES = ("en", "fr", "bilingual")
PROVINCES = ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")
FUNDING_KINDS = ("project_stream", "workforce_program")
NEED_STATUSES = ("open", "closed", "fulfilled")
#: Who sees a need: members (public), staff and the matching only (staff), members without its organisation
#: until the owner accepts an introduction (anonymous).
NEED_VISIBILITIES = ("public", "staff", "anonymous")


class Organization(TimestampMixin, Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    province: Mapped[str | None] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(120))
    size: Mapped[str | None] = mapped_column(String(32))  # e.g. "1-49", "50-249", "250+"
    sectors: Mapped[list[str]] = mapped_column(default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    capabilities: Mapped[str] = mapped_column(Text, default="")  # what they offer
    needs: Mapped[str] = mapped_column(Text, default="")  # what they are looking for
    website: Mapped[str | None] = mapped_column(String(500))
    languages: Mapped[list[str]] = mapped_column(default=list)
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    competitors: Mapped[list[str]] = mapped_column(default=list)  # external ids of marked competitors

    people: Mapped[list[Person]] = relationship(back_populates="organization")


class Person(TimestampMixin, Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32), default="contact", index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
    affiliation: Mapped[str | None] = mapped_column(String(300))  # free text when no organization row
    province: Mapped[str | None] = mapped_column(String(2))
    expertise: Mapped[str] = mapped_column(Text, default="")
    interests: Mapped[str] = mapped_column(Text, default="")  # what they look for
    email: Mapped[str | None] = mapped_column(String(320))
    languages: Mapped[list[str]] = mapped_column(default=list)
    visibility: Mapped[str] = mapped_column(String(16), default="public")

    organization: Mapped[Organization | None] = relationship(back_populates="people")
    accounts: Mapped[list[PlatformAccount]] = relationship(back_populates="person", cascade="all, delete-orphan")


class PlatformAccount(TimestampMixin, Base):
    """A chat account (Slack or Teams) linked to a person, with what proactive messages need."""

    __tablename__ = "platform_accounts"
    __table_args__ = (UniqueConstraint("platform", "workspace_id", "user_id", name="uq_platform_account"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(16))  # slack | teams
    workspace_id: Mapped[str] = mapped_column(String(64))  # Slack team id / Teams tenant id
    user_id: Mapped[str] = mapped_column(String(128))
    display_name: Mapped[str | None] = mapped_column(String(200))
    timezone: Mapped[str | None] = mapped_column(String(64))
    conversation_ref: Mapped[dict | None] = mapped_column(default=None)  # Teams conversation reference
    active: Mapped[bool] = mapped_column(default=True)
    is_staff: Mapped[bool] = mapped_column(default=False)
    org_admin: Mapped[bool] = mapped_column(default=False)  # may approve others joining the person's organization
    # The automatic "Is this you?" on first contact: None (not made), "offered" or "dismissed"; made once.
    link_offer: Mapped[str | None] = mapped_column(String(16), default=None)

    person: Mapped[Person | None] = relationship(back_populates="accounts")


class Course(TimestampMixin, Base):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
    provider_name: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    skills: Mapped[list[str]] = mapped_column(default=list)
    format: Mapped[str | None] = mapped_column(String(64))  # course, micro-credential, bootcamp, wil placement
    delivery: Mapped[str] = mapped_column(String(16), default="online")
    duration_hours: Mapped[float | None] = mapped_column()
    cost_cad: Mapped[float | None] = mapped_column()
    credential: Mapped[str | None] = mapped_column(String(120))  # e.g. "micro-credential", "certificate"
    language: Mapped[str] = mapped_column(String(16), default="en")
    province: Mapped[str | None] = mapped_column(String(2))
    url: Mapped[str | None] = mapped_column(String(500))
    visibility: Mapped[str] = mapped_column(String(16), default="public")

    provider: Mapped[Organization | None] = relationship()


class FundingStream(TimestampMixin, Base):
    __tablename__ = "funding_streams"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32), default="project_stream")
    description: Mapped[str] = mapped_column(Text, default="")
    eligibility: Mapped[str] = mapped_column(Text, default="")
    opens_on: Mapped[date | None] = mapped_column()
    closes_on: Mapped[date | None] = mapped_column()
    max_contribution_cad: Mapped[float | None] = mapped_column()
    url: Mapped[str | None] = mapped_column(String(500))
    visibility: Mapped[str] = mapped_column(String(16), default="public")


class Need(TimestampMixin, Base):
    """A challenge a member posted: what the matching answers for them, week after week."""

    __tablename__ = "needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")
    anonymous: Mapped[bool] = mapped_column(default=False)
    visibility: Mapped[str] = mapped_column(String(16), default="public")  # public | staff (anonymous: the flag)
    funding_stream_id: Mapped[int | None] = mapped_column(ForeignKey("funding_streams.id", ondelete="SET NULL"))
    deadline: Mapped[date | None] = mapped_column(default=None)
    fulfilled_at: Mapped[datetime | None] = mapped_column(default=None)


class EmbeddingCache(Base):
    """Vectors keyed by content hash and model id: unchanged text is never embedded twice."""

    __tablename__ = "embedding_cache"

    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    model_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    dim: Mapped[int] = mapped_column()
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, little-endian
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DirectoryVersion(Base):
    """One row whose counter goes up on every directory change: caches compare it, not a restart."""

    __tablename__ = "directory_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


Index("ix_people_organization_id", Person.organization_id)
Index("ix_needs_organization_id", Need.organization_id)

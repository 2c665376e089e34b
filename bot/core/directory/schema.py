"""What a directory row may contain, per kind, and how raw file values become column values.

One table of fields serves the importer (validation, coercion), the exporter (the inverse) and the
documentation, so a file written by ``clustermatch export`` always re-imports to the same state.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.directory import (
    DELIVERIES,
    FUNDING_KINDS,
    LANGUAGES,
    NEED_STATUSES,
    ORGANIZATION_KINDS,
    PERSON_ROLES,
    PROVINCES,
    VISIBILITIES,
    Course,
    FundingStream,
    Need,
    Organization,
    Person,
)

PERSON_KINDS = ("person", "researcher")
ROW_KINDS: tuple[str, ...] = (*ORGANIZATION_KINDS, *PERSON_KINDS, "course", "funding_stream", "need")
#: Write order: referenced rows first. The stem also names the export file (``organizations.jsonl``).
MODEL_ORDER: tuple[tuple[type[Any], str], ...] = (
    (Organization, "organizations"),
    (Person, "people"),
    (Course, "courses"),
    (FundingStream, "funding_streams"),
    (Need, "needs"),
)
TEXT_LIMIT = 20_000  # Text columns: long enough for any profile, short enough to catch a pasted file

_PROVINCE_NAMES = {
    "alberta": "AB", "british columbia": "BC", "colombie britannique": "BC", "manitoba": "MB",
    "new brunswick": "NB", "nouveau brunswick": "NB", "newfoundland and labrador": "NL", "newfoundland": "NL",
    "terre neuve et labrador": "NL",
    "nova scotia": "NS", "nouvelle ecosse": "NS", "northwest territories": "NT", "territoires du nord ouest": "NT",
    "nunavut": "NU", "ontario": "ON", "prince edward island": "PE", "ile du prince edouard": "PE", "quebec": "QC",
    "saskatchewan": "SK", "yukon": "YT",
}  # fmt: skip
_TRUE = {"true", "yes", "y", "1", "oui", "vrai"}
_FALSE = {"false", "no", "n", "0", "non", "faux"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


class FieldError(ValueError):
    """A value that cannot be stored; the message says what is expected."""


@dataclass(frozen=True)
class Field:
    """One importable field. ``column`` is the model attribute (``None``: same as ``name``)."""

    name: str
    shape: str = "str"  # str | text | list | float | date | bool | ref | choice | province | url | email
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    ref: type[Any] | None = None  # for type "ref" (one external id) and reference lists
    column: str | None = None

    @property
    def attr(self) -> str:
        return self.column or self.name


def _visibility() -> Field:
    return Field("visibility", "choice", default="public", choices=VISIBILITIES)


ORGANIZATION_FIELDS = (
    Field("name", required=True, max_length=300),
    Field("province", "province"),
    Field("region", max_length=120),
    Field("size", max_length=32),
    Field("sectors", "list", default=()),
    Field("description", "text", default=""),
    Field("capabilities", "text", default=""),
    Field("needs", "text", default=""),
    Field("website", "url", max_length=500),
    Field("languages", "list", default=(), choices=("language",)),
    _visibility(),
    Field("competitors", "list", default=(), ref=Organization),
)
PERSON_FIELDS = (
    Field("name", required=True, max_length=200),
    Field("role", "choice", default="contact", choices=PERSON_ROLES),
    Field("title", max_length=200),
    Field("organization", "ref", ref=Organization, column="organization_id"),
    Field("affiliation", max_length=300),
    Field("province", "province"),
    Field("expertise", "text", default=""),
    Field("interests", "text", default=""),
    Field("email", "email", max_length=320),
    Field("languages", "list", default=(), choices=("language",)),
    _visibility(),
)
COURSE_FIELDS = (
    Field("title", required=True, max_length=300),
    Field("provider", "ref", ref=Organization, column="provider_id"),
    Field("provider_name", max_length=300),
    Field("description", "text", default=""),
    Field("skills", "list", default=()),
    Field("format", max_length=64),
    Field("delivery", "choice", default="online", choices=DELIVERIES),
    Field("duration_hours", "float"),
    Field("cost_cad", "float"),
    Field("credential", max_length=120),
    Field("language", "choice", default="en", choices=LANGUAGES),
    Field("province", "province"),
    Field("url", "url", max_length=500),
    _visibility(),
)
FUNDING_FIELDS = (
    Field("name", required=True, max_length=300),
    Field("funding_kind", "choice", default="project_stream", choices=FUNDING_KINDS, column="kind"),
    Field("description", "text", default=""),
    Field("eligibility", "text", default=""),
    Field("opens_on", "date"),
    Field("closes_on", "date"),
    Field("max_contribution_cad", "float"),
    Field("url", "url", max_length=500),
    _visibility(),
)
NEED_FIELDS = (
    Field("title", required=True, max_length=300),
    Field("organization", "ref", ref=Organization, column="organization_id"),
    Field("person", "ref", ref=Person, column="person_id"),
    Field("description", "text", default=""),
    Field("status", "choice", default="open", choices=NEED_STATUSES),
    Field("anonymous", "bool", default=False),
)
FIELDS: dict[type[Any], tuple[Field, ...]] = {
    Organization: ORGANIZATION_FIELDS,
    Person: PERSON_FIELDS,
    Course: COURSE_FIELDS,
    FundingStream: FUNDING_FIELDS,
    Need: NEED_FIELDS,
}
REF_PREFIX = {Organization: "org", Person: "person", Course: "course", FundingStream: "funding", Need: "need"}


def normalise_kind(raw: object) -> str:
    """``"Technology firm"`` -> ``"technology_firm"``; raise ``FieldError`` listing the valid kinds."""
    kind = re.sub(r"[\s\-]+", "_", str(raw).strip().lower())
    if kind not in ROW_KINDS:
        raise FieldError(f"unknown kind {str(raw)!r}; valid kinds: {', '.join(ROW_KINDS)}")
    return kind


def model_for_kind(kind: str) -> type[Any]:
    if kind in ORGANIZATION_KINDS:
        return Organization
    if kind in PERSON_KINDS:
        return Person
    return {"course": Course, "funding_stream": FundingStream, "need": Need}[kind]


def kind_of(item: Any) -> str:
    """The row kind an existing item exports as (and is counted under in import reports)."""
    if isinstance(item, Organization):
        return item.kind
    if isinstance(item, Person):
        return "researcher" if item.role == "researcher" else "person"
    return {Course: "course", FundingStream: "funding_stream", Need: "need"}[type(item)]


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]+", " ", plain.lower()).strip()


def _text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise FieldError(f"expected text, got {type(value).__name__} {value!r}")


def _list(field: Field, value: object) -> list[str]:
    items = value.split(";") if isinstance(value, str) else value
    if not isinstance(items, list):
        raise FieldError(f"expected a list (a JSON array, or values separated by ';' in CSV), got {value!r}")
    out = [_text(item) for item in items]
    out = [item for item in out if item]
    if field.ref is not None:
        prefix = REF_PREFIX[field.ref] + ":"
        out = [item[len(prefix) :] if item.startswith(prefix) else item for item in out]
    if field.choices == ("language",):
        out = [item.lower() for item in out]
        for item in out:
            if not _LANGUAGE_CODE.match(item):
                raise FieldError(f"{item!r} is not a language code (use ISO codes such as en, fr)")
    return out


def _number(value: object) -> float:
    if isinstance(value, bool):
        raise FieldError(f"expected a number, got {value!r}")
    try:
        number = float(value.strip()) if isinstance(value, str) else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise FieldError(f"expected a number such as 1200 or 49.5, got {value!r}") from None
    if not math.isfinite(number) or number < 0:
        raise FieldError(f"expected a number of zero or more, got {value!r}")
    return number


def _date(value: object) -> date:
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise FieldError(f"expected a date written YYYY-MM-DD, got {value!r}") from None


def _bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise FieldError(f"expected true or false, got {value!r}")


def _province(value: object) -> str:
    text = _text(value)
    code = text.upper() if text.upper() in PROVINCES else _PROVINCE_NAMES.get(_fold(text))
    if code is None:
        raise FieldError(f"{text!r} is not a Canadian province or territory; use one of {', '.join(PROVINCES)}")
    return code


def coerce(field: Field, value: object) -> Any:
    """The column value for a non-blank raw ``value`` (CSV text or a JSON value); ``FieldError`` if unusable."""
    kind = field.shape
    if kind == "list":
        result: Any = _list(field, value)
    elif kind == "float":
        result = _number(value)
    elif kind == "date":
        result = _date(value)
    elif kind == "bool":
        result = _bool(value)
    elif kind == "province":
        result = _province(value)
    else:
        result = _text(value)
        if kind == "choice":
            result = result.lower()
            if result not in field.choices:
                raise FieldError(f"{result!r} is not allowed; use one of {', '.join(field.choices)}")
        elif kind == "url" and not result.lower().startswith(("http://", "https://")):
            raise FieldError(f"expected a web address starting with https://, got {result!r}")
        elif kind == "email" and not _EMAIL.match(result):
            raise FieldError(f"{result!r} is not an email address")
        elif kind == "ref" and field.ref is not None:
            prefix = REF_PREFIX[field.ref] + ":"
            result = result[len(prefix) :] if result.startswith(prefix) else result
    limit = field.max_length or (TEXT_LIMIT if kind == "text" else None)
    if isinstance(result, str) and limit is not None and len(result) > limit:
        raise FieldError(f"is {len(result)} characters long; the limit is {limit}")
    return result


def default_of(field: Field) -> Any:
    return list(field.default) if isinstance(field.default, tuple) else field.default

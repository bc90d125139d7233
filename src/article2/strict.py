"""Strict schemas for the hand-written files (curated agreements, recommendation records,
settings): an unknown key or a value of the wrong type is an error that names the file, the
record and the key, never a value read silently.

A schema is a :class:`Strict` pydantic model (extra keys forbidden, no type coercion: the YAML
text ``2018`` is a number, not a string). :func:`check` validates one record and turns
pydantic's errors into one message, prefixed by where the record is.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, PlainValidator, StringConstraints, ValidationError

__all__ = ["ISO3", "NonEmpty", "Strict", "YearOrDate", "check", "describe"]

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """Base of every hand-written record's schema: unknown keys and wrong types are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _year_or_date(value: Any) -> dt.date | int:
    if isinstance(value, dt.date):  # also a datetime
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 1800 < value < 2100:
        return value
    raise ValueError("not a date (YYYY-MM-DD or YYYY)")


#: a date (YYYY-MM-DD) or a year (YYYY) where only the year is known
YearOrDate = Annotated[dt.date | int, PlainValidator(_year_or_date)]
#: an ISO 3166-1 alpha-3 code (or a user-assigned X-range code), upper case
ISO3 = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
#: text that is not empty
NonEmpty = Annotated[str, StringConstraints(min_length=1)]


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation refers to (``X``, ``list[X]``, ``X | None``, ...)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for arg in typing.get_args(annotation):
            out += _models_in(arg)
    return out


def _allowed(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The keys allowed in the mapping at ``loc`` (the location of an unknown key's parent)."""
    current: list[type[BaseModel]] = [model]
    for part in loc:
        if isinstance(part, int):
            continue
        found = [m.model_fields[part].annotation for m in current if part in m.model_fields]
        current = [m for a in found for m in _models_in(a)]
        if not current:
            return []
    return sorted({k for m in current for k in m.model_fields})


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        elif part == "[key]":  # the mapping key itself is wrong, not its value
            out += " (the key)"
        else:
            out += f".{part}" if out else part
    return out


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def describe(exc: ValidationError, model: type[BaseModel]) -> str:
    """One line per problem: the key (``status[1].evidence``: list items count from 1) and
    what is wrong, with the allowed keys for an unknown one."""
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        key = _path(loc)
        if err["type"] == "extra_forbidden":
            allowed = _allowed(model, loc[:-1])
            hint = f"; allowed: {', '.join(allowed)}" if allowed else ""
            if " " in str(loc[-1]):
                hint += " (a value with a comma inside {...} must be quoted)"
            lines.append(f"unknown key {key!r}{hint}")
        elif err["type"] == "missing":
            lines.append(f"missing key {key!r}")
        else:
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"key {key!r}: {msg}, not {_shown(err['input'])}" if key else msg)
    return "; ".join(lines)


def check(model: type[M], data: Any, where: str, error: type[Exception]) -> M:
    """``data`` validated against ``model``; otherwise ``error(f"{where}: {problems}")``."""
    if not isinstance(data, dict):
        raise error(f"{where}: expected a mapping of keys to values, not {_shown(data)}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(f"{where}: {describe(exc, model)}") from None

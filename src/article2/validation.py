"""Validation of the documents people write (scenario YAML, index and selection TOML).

A document is checked against a pydantic model in strict mode (no silent conversion: a
string is not a number, a scalar is not a list, a float is not an integer) with unknown keys
forbidden. Every problem becomes one line that names the file, the key and what is allowed::

    my.yaml: change.members: expected a list, got 5
    my.yaml: sigma: must be finite and > 1, got inf
    my.toml: compute: unknown keys ['speed']; allowed: ['aggregation', ...]

:class:`DocumentError` is the one error the loaders raise for a bad document.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError

__all__ = ["DocumentError", "describe", "unknown_countries", "validate"]

M = TypeVar("M", bound=BaseModel)

#: at most this many problems are listed in one error (the rest are counted)
MAX_LISTED = 5

_TYPE_NAMES = {
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a table (mapping)",
    "model_type": "a table (mapping)",
    "model_attributes_type": "a table (mapping)",
    "int_type": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "string_type": "a string",
    "bool_type": "true or false",
}


class DocumentError(ValueError):
    """A document (file) that is not valid; the message names the file and the key.

    Attributes:
        file: the file (or a description of where the document came from).
        key: the dotted key of the first problem (``""`` for the document itself).
    """

    def __init__(self, message: str, *, file: str = "", key: str = "") -> None:
        super().__init__(message)
        self.file = file
        self.key = key


def unknown_countries(codes) -> list[str]:
    """The codes among ``codes`` that are not ISO3 keys of :func:`article2.countries.country_table`."""
    from article2 import countries

    known = set(countries.country_table()["iso3"])
    return sorted({str(c) for c in codes} - known)


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _unwrap(tp):
    """The model classes an annotation may hold (through Optional, list, dict, Annotated)."""
    origin = get_origin(tp)
    if origin is Annotated:
        return _unwrap(get_args(tp)[0])
    if origin in (typing.Union, types.UnionType, list, tuple, dict):
        found = []
        for a in get_args(tp):
            found += _unwrap(a)
        return found
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    return []


def _tag(model: type[BaseModel]) -> str | None:
    field = model.model_fields.get("kind")
    if field is None or get_origin(field.annotation) is not Literal:
        return None
    return get_args(field.annotation)[0]


def _walk(model: type[BaseModel], loc: tuple) -> tuple[tuple, type[BaseModel] | None]:
    """(``loc`` without the tags pydantic puts in for tagged unions, the model that holds the
    key at ``loc``'s last part), walking the fields from ``model``."""
    current: list[type[BaseModel]] = [model]
    shown: list = []
    for part in loc[:-1]:
        if isinstance(part, int):
            shown.append(part)
            continue
        by_tag = [m for m in current if _tag(m) == part]
        if by_tag and len(current) > 1:
            current = by_tag
            continue
        shown.append(part)
        nxt: list[type[BaseModel]] = []
        for m in current:
            field = m.model_fields.get(str(part))
            if field is not None:
                nxt += _unwrap(field.annotation)
        if not nxt:  # a dict key (e.g. a pillar name) or a scalar: keep the value models
            continue
        current = nxt
    if loc:
        shown.append(loc[-1])
    return tuple(shown), current[0] if len(current) == 1 else None


def _literal_args(tp) -> tuple:
    origin = get_origin(tp)
    if origin is Literal:
        return get_args(tp)
    if origin in (Annotated, typing.Union, types.UnionType, list, tuple):
        for a in get_args(tp):
            found = _literal_args(a)
            if found:
                return found
    return ()


def _allowed_values(model: type[BaseModel] | None, loc: tuple) -> str:
    names = [p for p in loc if isinstance(p, str)]
    field = model.model_fields.get(names[-1]) if model is not None and names else None
    args = _literal_args(field.annotation) if field is not None else ()
    return ", ".join(map(str, args))


def _description(model: type[BaseModel] | None, loc: tuple) -> str:
    names = [p for p in loc if isinstance(p, str)]
    if model is None or not names:
        return ""
    field = model.model_fields.get(names[-1])
    return (field.description or "") if field is not None else ""


def _allowed_keys(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return sorted(f.alias or name for name, f in model.model_fields.items())


def _one(model: type[BaseModel], err: Mapping[str, Any]) -> str:
    raw_loc = tuple(err.get("loc", ()))
    loc, holder = _walk(model, raw_loc)
    kind = err.get("type", "")
    value = err.get("input")
    if kind == "extra_forbidden":
        where = _loc(loc[:-1]) or "top level"
        return f"{where}: unknown keys {[loc[-1]]}; allowed: {_allowed_keys(holder)}"
    where = _loc(loc) or "document"
    if kind == "missing":
        return f"{where}: missing"
    if kind == "literal_error":
        expected = _allowed_values(holder, loc) or err.get("ctx", {}).get("expected", "")
        return f"{where}: {_short(value)} not allowed; allowed: {expected}"
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        return (f"{where}.{ctx.get('discriminator', 'kind').strip(chr(39))}: "
                f"{ctx.get('tag')!r} not allowed; allowed: "
                f"{str(ctx.get('expected_tags')).replace(chr(39), '')}")  # fmt: skip
    if kind == "union_tag_not_found":
        ctx = err.get("ctx", {})
        return f"{where}: missing {ctx.get('discriminator', 'kind')}"
    if kind in ("too_short", "too_long"):
        ctx = err.get("ctx", {})
        bound = (f"at least {ctx.get('min_length')}" if kind == "too_short"
                 else f"at most {ctx.get('max_length')}")  # fmt: skip
        return f"{where}: needs {bound} items, got {_short(value)}"
    if kind in _TYPE_NAMES:
        text = f"{where}: expected {_TYPE_NAMES[kind]}, got {_short(value)}"
    else:
        msg = str(err.get("msg", "invalid"))
        msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        text = f"{where}: {msg[:1].lower() + msg[1:]}, got {_short(value)}"
    allowed = _description(holder, loc)
    return f"{text} (allowed: {allowed})" if allowed else text


def describe(model: type[BaseModel], exc: ValidationError, file: str) -> DocumentError:
    """One :class:`DocumentError` listing the problems of ``exc`` (each: file, key, message);
    unknown keys of one table are listed together."""
    errors = exc.errors(include_url=False)
    lines: list[str] = []
    extra: dict[tuple, list[str]] = {}
    for e in errors:
        if e.get("type") == "extra_forbidden":
            loc, holder = _walk(model, tuple(e["loc"]))
            if loc[:-1] not in extra:
                extra[loc[:-1]] = []
                lines.append(("extra", loc[:-1], holder))  # type: ignore[arg-type]
            extra[loc[:-1]].append(str(loc[-1]))
        else:
            lines.append(_one(model, e))
    text = []
    for line in lines[:MAX_LISTED]:
        if isinstance(line, tuple):
            _, parent, holder = line
            line = (f"{_loc(parent) or 'top level'}: unknown keys {sorted(extra[parent])}; "
                    f"allowed: {_allowed_keys(holder)}")  # fmt: skip
        text.append(f"{file}: {line}")
    if len(lines) > MAX_LISTED:
        text.append(f"{file}: … and {len(lines) - MAX_LISTED} more problems")
    key = _loc(_walk(model, tuple(errors[0].get("loc", ())))[0]) if errors else ""
    return DocumentError("\n".join(text), file=file, key=key)


def validate(model: type[M], raw: Any, file: str) -> M:
    """``raw`` (parsed YAML/TOML) checked against ``model``; a :class:`DocumentError` naming
    ``file`` and the key otherwise."""
    if not isinstance(raw, dict):
        raise DocumentError(
            f"{file}: expected a table (mapping) of keys, got {type(raw).__name__}", file=file
        )
    try:
        return model.model_validate(raw, strict=True)
    except ValidationError as exc:
        raise describe(model, exc, file) from None

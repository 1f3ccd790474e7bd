"""The leaf values of a catalogue document (spec §1): ids, text, numbers, codes, answers.

Each type is a plain Python type annotated with how the file writes it. Values are
strict — `"2"` is not a number, `yes` is not text — as an editor would expect, with
the contract's few conveniences: a whole number may be written `2.0`, a GB/T 2260
code or an item code as a YAML number, a choice as a number, and a list of ids or
of text as a single one.

Every leaf reports whatever is wrong with it as one error of a *kind* (`identifier`,
`text`, `whole_number` …) carrying the input; `schema_errors` words each kind once.
Most leaves are checked by pydantic-core itself (no Python call per value), which
keeps a 3,000-item catalogue's validation fast.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, GetCoreSchemaHandler, Strict, StringConstraints
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from onething.catalog.divisions import as_code_text, code_fault
from onething.catalog.entities import JURISDICTION_LEVELS

ID_REGEX = r"^[a-z0-9_]+$"
ITEM_CODE_REGEX = r"^[0-9A-Za-z][0-9A-Za-z_\-.]{0,63}$"
LICENCE_CODE_REGEX = r"^[0-9A-Z]{1,20}$"
SUPPORTED_VERSIONS = (1,)


@dataclass(frozen=True)
class Reported:
    """Any error of the annotated value becomes one error of `kind` (with its input)."""

    kind: str

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.custom_error_schema(
            self.value_schema(source, handler),
            custom_error_type=self.kind,
            custom_error_message=self.kind,
            custom_error_context=self.context(),
        )

    def value_schema(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return handler(source)

    def context(self) -> dict[str, Any] | None:
        return None


@dataclass(frozen=True)
class WholeNumber(Reported):
    """An integer at least `minimum`; `2.0` is read as 2, `true` and `"2"` are refused."""

    kind: str = "whole_number"
    minimum: int = 0

    def value_schema(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        whole_float = core_schema.no_info_after_validator_function(
            int, core_schema.float_schema(strict=True, ge=self.minimum, multiple_of=1)
        )
        return core_schema.union_schema(
            [core_schema.int_schema(strict=True, ge=self.minimum), whole_float]
        )

    def context(self) -> dict[str, Any]:
        return {"minimum": self.minimum}


@dataclass(frozen=True)
class Number(Reported):
    """An integer or a decimal (kept as written), at least `minimum` if one is given."""

    kind: str = "number"
    minimum: int | None = None

    def value_schema(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.union_schema(
            [
                core_schema.int_schema(strict=True, ge=self.minimum),
                core_schema.float_schema(strict=True, ge=self.minimum),
            ]
        )

    def context(self) -> dict[str, Any] | None:
        return None if self.minimum is None else {"minimum": self.minimum}


@dataclass(frozen=True)
class OneOf(Reported):
    """One of a fixed set of words (a level, a kind, a field type …)."""

    kind: str = "one_of"
    allowed: tuple[str, ...] = ()

    def value_schema(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.literal_schema(list(self.allowed))

    def context(self) -> dict[str, Any]:
        return {"allowed": ", ".join(self.allowed)}


@dataclass(frozen=True)
class Checked(Reported):
    """A value read by a Python function, which raises ValueError when it is wrong."""

    read: Callable[[Any], Any]

    def value_schema(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(self.read)


def _division_code(value: Any) -> str:
    if code_fault(value) is not None:
        raise ValueError("not a GB/T 2260 code")
    return str(as_code_text(value))


def _item_code(value: Any) -> str:
    value = as_code_text(value)
    if not isinstance(value, str) or not _ITEM_CODE.fullmatch(value):
        raise ValueError("not an item code")
    return value


def _choice(value: Any) -> str:
    """A choice as text: numbers are their text; blank text and true/false are refused."""
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ValueError("not a choice")


def _version(value: Any) -> int:
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and value in SUPPORTED_VERSIONS
    ):
        return int(value)
    raise ValueError("unsupported version")


def _pattern(regex: str) -> StringConstraints:
    return StringConstraints(strict=True, pattern=regex)


_NON_EMPTY = StringConstraints(strict=True, strip_whitespace=True, min_length=1)
_ITEM_CODE = re.compile(ITEM_CODE_REGEX)

Identifier = Annotated[str, _pattern(ID_REGEX), Reported("identifier")]
QuestionKey = Annotated[str, _pattern(ID_REGEX), Reported("question_id")]
Text = Annotated[str, _NON_EMPTY, Reported("text")]
ListedText = Annotated[str, _NON_EMPTY, Reported("listed_text")]
Boolean = Annotated[bool, Strict(), Reported("boolean")]
Count = Annotated[int, WholeNumber(minimum=0)]
PositiveCount = Annotated[int, WholeNumber(minimum=1)]
Amount = Annotated[float, Number(minimum=0)]
Bound = Annotated[float, Number()]
DivisionCode = Annotated[str, Checked("division_code", _division_code)]
ItemCode = Annotated[str, Checked("item_code", _item_code)]
LicenceCode = Annotated[str, _pattern(LICENCE_CODE_REGEX), Reported("licence_code")]
Choice = Annotated[str, Checked("choice", _choice)]
Version = Annotated[int, Checked("version", _version)]
Level = Annotated[str, OneOf(allowed=JURISDICTION_LEVELS)]


def one_of(values: Iterable[str]) -> OneOf:
    return OneOf(allowed=tuple(values))


# -- lists, and a single value standing for a list of one


def _listed(kind: str) -> Callable[[Any], tuple]:
    def read(value: Any) -> tuple:
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list):
            raise PydanticCustomError(kind, kind)
        return tuple(value)

    return read


_id_list = _listed("id_list")


def _levels(value: Any) -> tuple:
    if isinstance(value, list) and not value:
        raise PydanticCustomError("no_levels", "no_levels")
    return _id_list(value)


def _answers(value: Any) -> tuple:
    """The values of a condition: one or a list, numbers as their text."""
    values = value if isinstance(value, list) else [value]
    if not values:
        raise PydanticCustomError("no_values", "no_values")
    return tuple(
        str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v for v in values
    )


def _condition(value: Any) -> Any:
    if not isinstance(value, dict):
        raise PydanticCustomError("condition", "condition")
    return value


IdList = Annotated[tuple[Identifier, ...], BeforeValidator(_id_list)]
TextList = Annotated[tuple[ListedText, ...], BeforeValidator(_listed("text_list"))]
Levels = Annotated[tuple[Level, ...], BeforeValidator(_levels)]
Choices = Annotated[tuple[Choice, ...], Strict(False)]
Answer = Annotated[Annotated[bool, Strict()] | Annotated[str, Strict()], Reported("answer")]
Answers = Annotated[tuple[Answer, ...], BeforeValidator(_answers)]
# A condition (`when`, spec §2): question id -> the values any of which makes it hold.
Condition = Annotated[dict[QuestionKey, Answers], BeforeValidator(_condition)]

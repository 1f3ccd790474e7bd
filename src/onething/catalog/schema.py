"""The catalogue document's shape (spec §1), declared once: one model per kind of entry.

Types, defaults, required keys and the optional extension keys (README, "Optional
keys"; the projects' keys in docs/catalog-format.md §6) are all here; the leaf types
are in `values`. What a schema cannot say is checked by hand: rules across the keys
of one entry in `entry_checks`; references between entries, duplicate ids and
dependency cycles in `references`.

Every entry is read alike (`Entry._read`): a key whose value is null is as if it
were absent; keys are text (a YAML number key is read as its text); where the
contract allows a short form, a bare id stands for the entry (`bare_key`: an item
material `applicant_id`, a package item `business_registration`); unknown keys are
kept in `model_extra`, to be reported as warnings.

`read_document` validates strictly first: a valid catalogue takes one pass in
pydantic-core. When that fails, its errors are kept and the same models read the
document again, *salvaging*: a value that is wrong is read as None (an entry of a
list that is wrong, too), so the checks across entries still see every id and
every reference the file does get right, and all problems are reported at once. A
salvaged document is only ever checked, never made into a `Catalog`.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Iterator, Sequence
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    model_validator,
)
from pydantic_core import ErrorDetails

from onething.catalog.entities import (
    AUDIENCES,
    FIELD_TYPES,
    HOLDER_KINDS,
    ITEM_KINDS,
    JURISDICTION_LEVELS,
    QUESTION_TYPES,
)
from onething.catalog.instant import ONLINE_DEPTHS
from onething.catalog.values import (
    Amount,
    Boolean,
    Bound,
    Choices,
    Condition,
    Count,
    DivisionCode,
    Identifier,
    IdList,
    ItemCode,
    Levels,
    LicenceCode,
    PositiveCount,
    Text,
    TextList,
    Version,
    one_of,
)

SALVAGE = {"salvage": True}  # the validation context of the second, salvaging pass

EntryT = TypeVar("EntryT")
# A list of entries in the file (read into a tuple).
Entries = Annotated[tuple[EntryT, ...], Strict(False)]


def entry_model(annotation: Any) -> type[Entry] | None:
    """The model of the entries an annotation holds (`Entries[ItemEntry]` -> ItemEntry)."""
    if isinstance(annotation, type) and issubclass(annotation, Entry):
        return annotation
    for argument in typing.get_args(annotation):
        found = entry_model(argument)
        if found is not None:
            return found
    return None


class Entry(BaseModel):
    """An entry of the document as the file writes it."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)
    bare_key: ClassVar[str | None] = None  # the key a bare id stands for
    keys: ClassVar[frozenset[str]] = frozenset()  # the keys the entry knows
    nested: ClassVar[tuple[str, ...]] = ()  # the keys that hold lists of entries

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.keys = frozenset(cls.model_fields)
        cls.nested = tuple(
            name for name, field in cls.model_fields.items() if entry_model(field.annotation)
        )

    @model_validator(mode="wrap")
    @classmethod
    def _read(cls, data: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
        if isinstance(data, dict):
            if not (data.keys() <= cls.keys and None not in data.values()):
                data = _present_keys(data, cls.keys)
        elif isinstance(data, str) and cls.bare_key is not None:
            data = {cls.bare_key: data}
        if info.context is None:  # the strict pass
            return handler(data)
        try:
            return handler(data)
        except ValidationError:
            return _salvaged(cls, data)

    def is_set(self, key: str) -> bool:
        """Whether the file gives this key (rightly or wrongly)."""
        return key in self.model_fields_set


def first_of_each(values: Sequence[Any] | None) -> list[tuple[int, Any]]:
    """(position, value) of each value's first appearance; None (wrong) is skipped."""
    return first_by(values, None)


def first_by(values: Sequence[Any] | None, key: str | None) -> list[tuple[int, Any]]:
    """(position, value) of the first value with each id (the value, or its `key`)."""
    if not values:
        return []
    idents = list(values) if key is None else [getattr(v, key, None) for v in values]
    if None not in idents and len(set(idents)) == len(idents):
        return list(enumerate(values))  # the usual case: each once, none wrong
    seen: set[Any] = set()
    first: list[tuple[int, Any]] = []
    for index, (ident, value) in enumerate(zip(idents, values, strict=True)):
        if ident is not None and ident not in seen:
            seen.add(ident)
            first.append((index, value))
    return first


def _present_keys(data: dict, known: frozenset[str]) -> dict:
    """The mapping with text keys, without the known keys whose value is null."""
    keyed = {key if type(key) is str else str(key): value for key, value in data.items()}
    return {key: value for key, value in keyed.items() if value is not None or key not in known}


class JurisdictionEntry(Entry):
    code: DivisionCode
    name: Text
    level: Annotated[str, one_of(JURISDICTION_LEVELS)] = Field(
        description="one of " + ", ".join(JURISDICTION_LEVELS)
    )
    parent: DivisionCode | None = None


class DepartmentEntry(Entry):
    id: Identifier
    name: Text
    description: Text | None = None


class MaterialEntry(Entry):
    id: Identifier
    name: Text
    evidence: Identifier | None = None  # the e-licence type that can stand in for it (免提交)
    note: Text | None = None
    commitment: Boolean = False  # 告知承诺制
    generated: Boolean = False  # made from the one form (申请书), never uploaded


class FieldEntry(Entry):
    id: Identifier
    label: Text
    type: Annotated[str, one_of(FIELD_TYPES)] = "text"
    choices: Choices | None = None
    required: Boolean = True
    help: Text | None = None
    group: Text | None = None
    min: Bound | None = None
    max: Bound | None = None
    max_length: PositiveCount | None = None


class ItemMaterialEntry(Entry):
    bare_key = "material"
    material: Identifier
    copies: PositiveCount = 1
    required: Boolean = True
    when: Condition | None = None


class ItemEntry(Entry):
    id: Identifier
    code: ItemCode | None = None
    name: Text
    department: Identifier
    levels: Levels = Field(description="the jurisdiction levels that implement it")
    kind: Annotated[str, one_of(ITEM_KINDS)] = Field(description="one of instant, promise")
    legal_days: Count | None = None  # required for a promise item: see references
    promised_days: Count | None = None
    trips: Count
    fee: Amount = 0
    basis: TextList = ()
    conditions: TextList = ()
    online: Boolean = False
    issues: Identifier | None = None
    fields: IdList = ()
    materials: Entries[ItemMaterialEntry] = ()
    description: Text | None = None
    expert_review: Identifier | None = None  # the expert review its decision waits on
    online_depth: Annotated[str, one_of(ONLINE_DEPTHS)] | None = None  # 网办深度
    instant: Any = None  # 秒批 rules, read and checked by catalog.instant
    # 多地联办: implemented by a partner region's node at this place (GB/T 2260), as its
    # package `partner_package` (default: this package's id); docs/exchange.md §8
    partner_place: DivisionCode | None = None
    partner_package: Identifier | None = None

    def asked_materials(self) -> list[tuple[int, ItemMaterialEntry]]:
        """The materials asked for, with their positions (a material asked again is not)."""
        return first_by(self.materials, "material")


class QuestionEntry(Entry):
    id: Identifier
    text: Text
    type: Annotated[str, one_of(QUESTION_TYPES)] = "boolean"
    choices: Choices | None = None
    help: Text | None = None


class PackageItemEntry(Entry):
    bare_key = "item"
    item: Identifier
    after: IdList = ()
    when: Condition | None = None


class CrossProvinceEntry(Entry):
    """跨省通办 (optional): a package this region implements for partner regions' windows —
    the modes (全程网办, 异地代收代办, 多地联办), the partner regions (GB/T 2260), where it is
    handled and the working days a receiving window has to forward it (docs/exchange.md)."""

    modes: TextList = ()
    regions: TextList = ()
    place: DivisionCode | None = None
    forward_days: Count = 1


class PackageEntry(Entry):
    id: Identifier
    name: Text
    audience: Annotated[str, one_of(AUDIENCES)] | None = None  # None: for anyone
    keywords: TextList = ()
    trips: Count = 1
    questions: Entries[QuestionEntry] = ()
    items: Entries[PackageItemEntry] = Field(description="the items of the package")
    description: Text | None = None
    project_type: Identifier | None = None  # the kind of investment project it serves
    bundle: Boolean = False  # several projects of its type may be filed as one (打包办)
    per_project_fields: IdList = ()  # 打包办: fields each project of a bundle fills in itself
    cross_province: Entries[CrossProvinceEntry] = ()  # 跨省通办: offers to partner regions

    def members(self) -> list[tuple[int, PackageItemEntry]]:
        """The package's items with their positions (an item listed again is not)."""
        return first_by(self.items, "item")

    def asked_questions(self) -> dict[str, QuestionEntry]:
        """The questions by id (a question asked again is not)."""
        return {question.id: question for _, question in first_by(self.questions, "id")}


class LicenceTypeEntry(Entry):
    id: Identifier
    name: Text
    code: LicenceCode | None = None  # default: the id's letters and digits
    holder: Annotated[str, one_of(HOLDER_KINDS)] = "enterprise"
    valid_years: PositiveCount | None = None  # None: 长期有效
    fields: IdList = ()


class ExpertReviewEntry(Entry):
    """专家评审: a special procedure (特别程序) that items' decisions wait on."""

    id: Identifier
    name: Text
    department: Identifier  # who organises it
    days: PositiveCount = Field(description="the working days one review takes")
    fee_base: Amount = 0  # yuan, each review
    fee_per_project: Amount = 0  # yuan, each project reviewed in it
    basis: TextList = ()
    description: Text | None = None


class CatalogDocument(Entry):
    version: Version = Field(description="the format version, 1")
    jurisdictions: Entries[JurisdictionEntry] = ()
    departments: Entries[DepartmentEntry] = ()
    materials: Entries[MaterialEntry] = ()
    fields: Entries[FieldEntry] = ()
    items: Entries[ItemEntry] = ()
    packages: Entries[PackageEntry] = ()
    licence_types: Entries[LicenceTypeEntry] = ()
    expert_reviews: Entries[ExpertReviewEntry] = ()

    def entries(self, section: str) -> Iterator[tuple[int, Any]]:
        """The entries of a top-level list with their positions (wrong ones left out)."""
        for index, entry in enumerate(getattr(self, section) or ()):
            if entry is not None:
                yield index, entry


# The top-level lists and the key that identifies their entries, in the file's order.
SECTIONS: dict[str, str] = {
    "jurisdictions": "code",
    "departments": "id",
    "materials": "id",
    "fields": "id",
    "items": "id",
    "packages": "id",
    "licence_types": "id",
    "expert_reviews": "id",
}


def read_document(data: Any) -> tuple[CatalogDocument | None, list[ErrorDetails]]:
    """The document as models and pydantic's errors; on errors, a salvaged document."""
    try:
        return CatalogDocument.model_validate(data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    return CatalogDocument.model_validate(data, context=SALVAGE), errors


# -- the salvaging pass


def _salvaged(cls: type[Entry], data: Any) -> Entry | None:
    """The entry with each wrong value None, each wrong element of a list None."""
    if not isinstance(data, dict):
        return None
    values: dict[str, Any] = {}
    for name, field in cls.model_fields.items():
        if name in data:
            values[name] = _salvaged_value(cls, name, data[name])
        else:
            values[name] = None if field.is_required() else field.default
    given = {name for name in cls.model_fields if name in data}
    entry = cls.model_construct(_fields_set=given, **values)
    extra = {key: value for key, value in data.items() if key not in cls.model_fields}
    object.__setattr__(entry, "__pydantic_extra__", extra)
    return entry


def _salvaged_value(cls: type[Entry], name: str, value: Any) -> Any:
    whole, element, is_mapping = _adapters(cls, name)
    try:
        return whole.validate_python(value, context=SALVAGE)
    except ValidationError:
        pass
    if element is not None and isinstance(value, list):
        return [_valid_or_none(element, v) for v in value]
    if is_mapping and isinstance(value, dict):  # a condition: keep the questions it names rightly
        pairs = [_valid_or_none(whole, {key: v}) for key, v in value.items()]
        return {key: v for pair in pairs if pair for key, v in pair.items()}
    return None


def _valid_or_none(adapter: TypeAdapter, value: Any) -> Any:
    try:
        return adapter.validate_python(value, context=SALVAGE)
    except ValidationError:
        return None


@functools.cache
def _adapters(cls: type[Entry], name: str) -> tuple[TypeAdapter, TypeAdapter | None, bool]:
    """Validators of one field's value and, for a list, of one of its elements; whether
    the value is a mapping."""
    field = cls.model_fields[name]
    annotation = field.annotation
    whole: Any = Annotated[(annotation, *field.metadata)] if field.metadata else annotation
    element_type = _element_type(annotation)
    element = None if element_type is None else TypeAdapter(element_type)
    return TypeAdapter(whole), element, _holds(annotation, dict) is not None


def _element_type(annotation: Any) -> Any:
    """The type of a list's elements, also inside `X | None`; None if it is not a list."""
    found = _holds(annotation, tuple)
    return None if found is None else typing.get_args(found)[0]


def _holds(annotation: Any, origin: type) -> Any:
    """The `origin[...]` type an annotation is (also as `X | None`), or None."""
    if typing.get_origin(annotation) is origin:
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, typing.Annotated):
        for argument in typing.get_args(annotation):
            found = _holds(argument, origin)
            if found is not None:
                return found
    return None

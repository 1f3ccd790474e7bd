"""Reading and validating a catalogue file (spec §1–3).

`load_catalog_text` and `read_catalog_file` never raise on bad input: whatever the
bytes, they return a `LoadResult` with either a `Catalog` or the list of every
problem found, each naming its place in the file (`PATH: message`), e.g.
``packages[open_pharmacy].items[2].after[0]: unknown item 'foo'``.

Paths name an entry of a top-level list by its id (``items[drug_retail_licence]``)
and an entry of a nested list by its position (``materials[2]``).
"""

from __future__ import annotations

import heapq
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from onething.catalog.entities import (
    AUDIENCES,
    FIELD_TYPES,
    HOLDER_KINDS,
    ITEM_KINDS,
    JURISDICTION_LEVELS,
    QUESTION_TYPES,
    Answer,
    Catalog,
    Condition,
    Department,
    Field,
    Item,
    ItemMaterial,
    Jurisdiction,
    LicenceType,
    Material,
    Package,
    PackageItem,
    Question,
    default_licence_code,
)
from onething.catalog.yaml_reader import YamlReadError, read_yaml

MAX_FILE_BYTES = 64 * 1024 * 1024
SUPPORTED_VERSIONS = (1,)
ID_PATTERN = re.compile(r"[a-z0-9_]+")
ITEM_CODE_PATTERN = re.compile(r"[0-9A-Za-z][0-9A-Za-z_\-.]{0,63}")
DOCUMENT = "(document)"

# GB/T 2260 province-level codes (first two digits).
PROVINCE_PREFIXES = frozenset(
    [str(n) for n in (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37)]
    + [str(n) for n in (41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65)]
    + ["71", "81", "82"]
)
LEVEL_RANK = {level: rank for rank, level in enumerate(JURISDICTION_LEVELS)}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a catalogue, at a place in the file."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(slots=True)
class LoadResult:
    catalog: Catalog | None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.catalog is not None and not self.problems


class CatalogError(Exception):
    """Raised by `require_catalog` when a catalogue does not validate."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --------------------------------------------------------------------------- entry points


def read_catalog_file(path: str | Path) -> LoadResult:
    """Read and validate a catalogue file; a missing or unreadable file is a problem too."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return _failed(f"file is {size} bytes; a catalogue may be at most {MAX_FILE_BYTES}")
        data = path.read_bytes()
    except FileNotFoundError:
        return _failed(f"no such file: {path}")
    except IsADirectoryError:
        return _failed(f"{path} is a directory, not a catalogue file")
    except OSError as exc:
        return _failed(f"cannot read {path}: {exc.strerror or exc}")
    return load_catalog_text(data)


def load_catalog_text(data: str | bytes) -> LoadResult:
    """Parse YAML or JSON text and validate it."""
    document, problems = parse_document(data)
    if problems:
        return LoadResult(None, problems)
    return validate_document(document)


def require_catalog(result: LoadResult) -> Catalog:
    if result.catalog is None:
        raise CatalogError(result.problems)
    return result.catalog


def parse_document(data: str | bytes) -> tuple[Any, list[Problem]]:
    """The document as Python data, or the reason it is not YAML/JSON."""
    if isinstance(data, bytes):
        if len(data) > MAX_FILE_BYTES:
            return None, [Problem(DOCUMENT, f"larger than {MAX_FILE_BYTES} bytes")]
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return None, [
                Problem(
                    DOCUMENT, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
                )
            ]
    else:
        text = data.removeprefix("\ufeff")
    if "\x00" in text:
        return None, [Problem(DOCUMENT, "contains NUL characters: not a text file")]
    if text.lstrip().startswith(("{", "[")):
        try:
            return json.loads(text), []
        except (ValueError, RecursionError):
            pass  # not JSON after all; YAML flow style may still read it
    try:
        return read_yaml(text), []
    except YamlReadError as exc:
        return None, [Problem(DOCUMENT, f"not valid YAML: {exc}")]
    except (RecursionError, MemoryError):
        return None, [Problem(DOCUMENT, "not valid YAML: too large or too deeply nested")]


def _failed(message: str) -> LoadResult:
    return LoadResult(None, [Problem(DOCUMENT, message)])


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


# --------------------------------------------------------------------------- validation


def validate_document(document: Any) -> LoadResult:
    """Validate parsed data against the catalogue format and build the `Catalog`."""
    check = _Checker()
    root = check.mapping(document, DOCUMENT, "the catalogue must be a mapping of sections")
    if root is None:
        return LoadResult(None, check.problems, check.warnings)

    version = root.get("version")
    if "version" not in root:
        check.problem("version", "missing (the format version, 1)")
    elif isinstance(version, bool) or version not in SUPPORTED_VERSIONS:
        check.problem("version", f"unsupported version {version!r}; this program reads version 1")
    check.unknown_keys(root, _TOP_KEYS, "")

    jurisdictions = check.section(root, "jurisdictions", "code", _read_jurisdiction)
    departments = check.section(root, "departments", "id", _read_department)
    materials = check.section(root, "materials", "id", _read_material)
    fields = check.section(root, "fields", "id", _read_field)
    items = check.section(root, "items", "id", _read_item)
    packages = check.section(root, "packages", "id", _read_package)
    licence_types = check.section(root, "licence_types", "id", _read_licence_type)

    _check_jurisdictions(check, jurisdictions)
    _check_items(check, items, departments, materials, fields)
    _check_licence_types(check, licence_types, fields)
    ordered = _check_packages(check, packages, items)

    if check.problems:
        return LoadResult(None, check.problems, check.warnings)
    catalog = Catalog(
        version=SUPPORTED_VERSIONS[0],
        jurisdictions={code: e.draft.value for code, e in jurisdictions.items()},
        departments={key: e.draft.value for key, e in departments.items()},
        materials={key: e.draft.value for key, e in materials.items()},
        fields={key: e.draft.value for key, e in fields.items()},
        items={key: e.draft.value for key, e in items.items()},
        packages={key: ordered[key] for key in packages},
        licence_types={key: e.draft.value for key, e in licence_types.items()},
    )
    return LoadResult(catalog, [], check.warnings)


_TOP_KEYS = frozenset(
    [
        "version",
        "jurisdictions",
        "departments",
        "materials",
        "fields",
        "items",
        "packages",
        "licence_types",
    ]
)
_LICENCE_TYPE_KEYS = frozenset(["id", "name", "code", "holder", "valid_years", "fields"])
LICENCE_CODE = re.compile(r"[0-9A-Z]{1,20}")


@dataclass(frozen=True, slots=True)
class _Entry:
    """A parsed top-level entry and where it stands in the file."""

    path: str
    draft: _Draft


class _Checker:
    """Collects problems and reads typed values out of untrusted mappings."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def warning(self, path: str, message: str) -> None:
        self.warnings.append(Problem(path, message))

    # -- structure

    def mapping(self, node: Any, path: str, message: str = "must be a mapping") -> dict | None:
        if isinstance(node, dict):
            return node
        self.problem(path, f"{message}, not {_describe(node)}")
        return None

    def unknown_keys(self, node: Mapping, allowed: frozenset[str], path: str) -> None:
        for key in node:
            if key not in allowed:
                where = f"{path}.{key}" if path else str(key)
                self.warning(where, "unknown key (ignored)")

    def section(
        self,
        root: Mapping,
        key: str,
        id_key: str,
        reader: Callable[[_Checker, dict, str], _Draft],
    ) -> dict[str, _Entry]:
        """Read a top-level list; entries with a valid, unique id are returned by id."""
        node = root.get(key)
        if node is None:
            return {}
        if not isinstance(node, list):
            self.problem(key, f"must be a list, not {_describe(node)}")
            return {}
        entries: dict[str, _Entry] = {}
        first_index: dict[str, int] = {}
        for index, raw in enumerate(node):
            entry = self.mapping(raw, f"{key}[{index}]")
            if entry is None:
                continue
            ident = self._entry_id(entry, id_key, f"{key}[{index}]")
            unique = ident is not None and ident not in first_index
            path = f"{key}[{ident}]" if unique else f"{key}[{index}]"
            if ident is not None and not unique:
                self.problem(
                    f"{path}.{id_key}",
                    f"duplicate {id_key} '{ident}' (first at {key}[{first_index[ident]}])",
                )
            draft = reader(self, entry, path)
            if unique and ident is not None:
                first_index[ident] = index
                entries[ident] = _Entry(path, draft)
        return entries

    def _entry_id(self, entry: Mapping, id_key: str, path: str) -> str | None:
        if id_key not in entry:
            self.problem(f"{path}.{id_key}", "missing")
            return None
        raw = entry[id_key]
        if id_key == "code":
            return self.division_code(raw, f"{path}.code")
        return self.identifier(raw, f"{path}.{id_key}")

    def nested_entries(
        self, node: list, path: str, bare_key: str, allowed: frozenset[str]
    ) -> Iterator[tuple[int, str, dict]]:
        """The mappings of a nested list with their paths; a bare id stands for {bare_key: id}."""
        for index, raw in enumerate(node):
            entry_path = f"{path}[{index}]"
            entry = self.mapping({bare_key: raw} if isinstance(raw, str) else raw, entry_path)
            if entry is not None:
                self.unknown_keys(entry, allowed, entry_path)
                yield index, entry_path, entry

    # -- scalars

    def identifier(self, value: Any, path: str) -> str | None:
        if isinstance(value, str) and ID_PATTERN.fullmatch(value):
            return value
        if isinstance(value, str):
            self.problem(path, f"'{value}' is not a valid id (use a-z, 0-9 and _)")
        else:
            self.problem(path, f"must be an id (a-z, 0-9 and _), not {_describe(value)}")
        return None

    def division_code(self, value: Any, path: str) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.problem(path, f"must be a GB/T 2260 code, not {_describe(value)}")
            return None
        if not (value.isascii() and value.isdigit() and len(value) in (6, 9, 12)):
            self.problem(path, f"'{value}' is not a GB/T 2260 code (6, 9 or 12 digits)")
            return None
        if value[:2] not in PROVINCE_PREFIXES:
            self.problem(path, f"'{value}' does not start with a province code (GB/T 2260)")
            return None
        return value

    def text(self, node: Mapping, key: str, path: str, required: bool = True) -> str | None:
        if key not in node or node[key] is None:
            if required:
                self.problem(f"{path}.{key}", "missing")
            return None
        value = node[key]
        if isinstance(value, str) and value.strip():
            return value.strip()
        self.problem(f"{path}.{key}", f"must be non-empty text, not {_describe(value)}")
        return None

    def ref_id(self, node: Mapping, key: str, path: str, required: bool = True) -> str | None:
        if key not in node or node[key] is None:
            if required:
                self.problem(f"{path}.{key}", "missing")
            return None
        return self.identifier(node[key], f"{path}.{key}")

    def integer(
        self,
        node: Mapping,
        key: str,
        path: str,
        default: int | None = None,
        minimum: int = 0,
    ) -> int | None:
        if key not in node or node[key] is None:
            if default is None:
                self.problem(f"{path}.{key}", "missing")
            return default
        value = node[key]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(f"{path}.{key}", f"must be a whole number, not {_describe(value)}")
            return default
        if value < minimum:
            self.problem(f"{path}.{key}", f"must be at least {minimum}, not {value}")
            return default
        return value

    def number(self, node: Mapping, key: str, path: str, default: float) -> float:
        value = node.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            self.problem(f"{path}.{key}", f"must be a number, not {_describe(value)}")
            return default
        if value < 0:
            self.problem(f"{path}.{key}", f"must not be negative, not {value}")
            return default
        return value

    def boolean(self, node: Mapping, key: str, path: str, default: bool) -> bool:
        value = node.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        self.problem(f"{path}.{key}", f"must be true or false, not {_describe(value)}")
        return default

    def one_of(
        self, node: Mapping, key: str, path: str, allowed: tuple[str, ...], default: str | None
    ) -> str | None:
        value = node.get(key)
        if value is None:
            if default is None:
                self.problem(f"{path}.{key}", f"missing (one of {', '.join(allowed)})")
            return default
        if isinstance(value, str) and value in allowed:
            return value
        self.problem(f"{path}.{key}", f"{_shown(value)} is not one of {', '.join(allowed)}")
        return default

    def text_list(self, node: Mapping, key: str, path: str) -> tuple[str, ...]:
        """A list of text; a lone text is taken as a list of one."""
        value = node.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.problem(f"{path}.{key}", f"must be a list, not {_describe(value)}")
            return ()
        result = []
        for index, element in enumerate(value):
            if isinstance(element, str) and element.strip():
                result.append(element.strip())
            else:
                self.problem(f"{path}.{key}[{index}]", f"must be text, not {_describe(element)}")
        return tuple(result)

    def id_list(self, node: Mapping, key: str, path: str) -> list[tuple[str, str]]:
        """A list of ids as (id, path) pairs; duplicates are reported."""
        value = node.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.problem(f"{path}.{key}", f"must be a list of ids, not {_describe(value)}")
            return []
        result: list[tuple[str, str]] = []
        seen: set[str] = set()
        for index, element in enumerate(value):
            element_path = f"{path}.{key}[{index}]"
            ident = self.identifier(element, element_path)
            if ident is None:
                continue
            if ident in seen:
                self.problem(element_path, f"'{ident}' is listed twice")
                continue
            seen.add(ident)
            result.append((ident, element_path))
        return result

    def choices(self, node: Mapping, path: str) -> tuple[str, ...]:
        value = node.get("choices")
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(f"{path}.choices", f"must be a list, not {_describe(value)}")
            return ()
        result: list[str] = []
        for index, element in enumerate(value):
            choice = _choice_value(element)
            if choice is None or isinstance(choice, bool) or not choice.strip():
                hint = (
                    " (quote it: YAML reads yes/no/on/off as true/false)"
                    if isinstance(element, bool)
                    else ""
                )
                self.problem(
                    f"{path}.choices[{index}]", f"must be text, not {_describe(element)}{hint}"
                )
            elif choice in result:
                self.problem(f"{path}.choices[{index}]", f"'{choice}' is listed twice")
            else:
                result.append(choice)
        return tuple(result)

    def condition(self, node: Mapping, path: str) -> Condition:
        """A `when` mapping: question id -> value or list of values (spec §2)."""
        value = node.get("when")
        if value is None:
            return {}
        where = f"{path}.when"
        if not isinstance(value, dict):
            self.problem(
                where, f"must be a mapping of question ids to values, not {_describe(value)}"
            )
            return {}
        condition: dict[str, tuple[Answer, ...]] = {}
        for question_id, wanted in value.items():
            if not isinstance(question_id, str) or not ID_PATTERN.fullmatch(question_id):
                self.problem(where, f"{_shown(question_id)} is not a question id")
                continue
            entry_path = f"{where}.{question_id}"
            values = wanted if isinstance(wanted, list) else [wanted]
            if not values:
                self.problem(entry_path, "an empty list of values can never hold")
                continue
            parsed: list[Answer] = []
            for element in values:
                answer = _choice_value(element)
                if answer is None:
                    self.problem(
                        entry_path, f"must be true/false or a choice, not {_describe(element)}"
                    )
                else:
                    parsed.append(answer)
            if len(parsed) == len(values):
                condition[question_id] = tuple(parsed)
        return condition


def _choice_value(value: Any) -> Answer | None:
    """A scalar as an answer value: booleans stay booleans, numbers become their text."""
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return None


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 40 else f"'{value[:37]}...'"
    if isinstance(value, int | float):
        return repr(value)
    return f"a {type(value).__name__}"


def _shown(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else _describe(value)


# --------------------------------------------------------------------------- entries

_JURISDICTION_KEYS = frozenset(["code", "name", "level", "parent"])
_DEPARTMENT_KEYS = frozenset(["id", "name", "description"])
_MATERIAL_KEYS = frozenset(["id", "name", "evidence", "note", "commitment", "generated"])
_FIELD_KEYS = frozenset(
    ["id", "label", "type", "choices", "required", "help", "group", "min", "max", "max_length"]
)
_ITEM_KEYS = frozenset(
    [
        "id",
        "code",
        "name",
        "department",
        "levels",
        "kind",
        "legal_days",
        "promised_days",
        "trips",
        "fee",
        "basis",
        "conditions",
        "online",
        "issues",
        "fields",
        "materials",
        "description",
    ]
)
_ITEM_MATERIAL_KEYS = frozenset(["material", "copies", "required", "when"])
_PACKAGE_KEYS = frozenset(
    ["id", "name", "audience", "keywords", "trips", "questions", "items", "description"]
)
_QUESTION_KEYS = frozenset(["id", "text", "type", "choices", "help"])
_PACKAGE_ITEM_KEYS = frozenset(["item", "after", "when"])


@dataclass(slots=True)
class _Draft:
    """An entry read from the file, with the paths of its references for later checks."""

    value: Any
    refs: dict[str, Any] = field(default_factory=dict)


def _read_jurisdiction(check: _Checker, node: dict, path: str) -> _Draft:
    check.unknown_keys(node, _JURISDICTION_KEYS, path)
    code = node.get("code")  # checked by `section`, which keeps only entries with a valid code
    parent = None
    if node.get("parent") is not None:
        parent = check.division_code(node["parent"], f"{path}.parent")
    value = Jurisdiction(
        code=str(code),
        name=check.text(node, "name", path) or "",
        level=check.one_of(node, "level", path, JURISDICTION_LEVELS, None) or "",
        parent=parent,
    )
    return _Draft(value)


def _read_department(check: _Checker, node: dict, path: str) -> _Draft:
    check.unknown_keys(node, _DEPARTMENT_KEYS, path)
    return _Draft(Department(id=node.get("id", ""), name=check.text(node, "name", path) or ""))


def _read_material(check: _Checker, node: dict, path: str) -> _Draft:
    check.unknown_keys(node, _MATERIAL_KEYS, path)
    evidence = check.ref_id(node, "evidence", path, required=False)
    return _Draft(
        Material(
            id=node.get("id", ""),
            name=check.text(node, "name", path) or "",
            evidence=evidence,
            note=check.text(node, "note", path, required=False),
            commitment=check.boolean(node, "commitment", path, False),
            generated=check.boolean(node, "generated", path, False),
        )
    )


def _read_licence_type(check: _Checker, node: dict, path: str) -> _Draft:
    check.unknown_keys(node, _LICENCE_TYPE_KEYS, path)
    type_id = node.get("id", "")
    code = node.get("code")
    if code is None:
        code = default_licence_code(type_id) if isinstance(type_id, str) else "LICENCE"
    elif not (isinstance(code, str) and LICENCE_CODE.fullmatch(code)):
        check.problem(f"{path}.code", f"must be 1-20 capital letters or digits, not {_shown(code)}")
        code = "LICENCE"
    valid_years = None
    if node.get("valid_years") is not None:
        valid_years = check.integer(node, "valid_years", path, minimum=1)
    field_refs = check.id_list(node, "fields", path)
    return _Draft(
        LicenceType(
            id=type_id,
            name=check.text(node, "name", path) or "",
            code=code,
            holder=check.one_of(node, "holder", path, HOLDER_KINDS, "enterprise") or "enterprise",
            valid_years=valid_years,
            fields=tuple(ident for ident, _ in field_refs),
        ),
        {"fields": field_refs},
    )


def _check_licence_types(
    check: _Checker, licence_types: dict[str, _Entry], fields: dict[str, _Entry]
) -> None:
    for entry in licence_types.values():
        for field_id, path in entry.draft.refs["fields"]:
            if field_id not in fields:
                check.problem(path, f"unknown field '{field_id}'")


def _read_field(check: _Checker, node: dict, path: str) -> _Draft:
    check.unknown_keys(node, _FIELD_KEYS, path)
    field_type = check.one_of(node, "type", path, FIELD_TYPES, "text") or "text"
    choices = check.choices(node, path)
    if field_type == "choice" and "choices" not in node:
        check.problem(f"{path}.choices", "missing: a choice field needs its choices")
    elif field_type == "choice" and node["choices"] == []:
        check.problem(f"{path}.choices", "a choice field needs at least one choice")
    elif field_type != "choice" and choices:
        check.warning(f"{path}.choices", f"ignored: the field's type is {field_type}, not choice")
        choices = ()
    return _Draft(
        Field(
            id=node.get("id", ""),
            label=check.text(node, "label", path) or "",
            type=field_type,
            choices=choices,
            required=check.boolean(node, "required", path, True),
            help=check.text(node, "help", path, required=False),
            group=check.text(node, "group", path, required=False),
            min=_bound(check, node, "min", path, field_type),
            max=_bound(check, node, "max", path, field_type),
            max_length=check.integer(node, "max_length", path, minimum=1)
            if node.get("max_length") is not None
            else None,
        )
    )


def _bound(check: _Checker, node: dict, key: str, path: str, field_type: str) -> float | None:
    if node.get(key) is None:
        return None
    if field_type not in ("integer", "number"):
        check.warning(f"{path}.{key}", f"ignored: the field's type is {field_type}, not a number")
        return None
    value = node[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        check.problem(f"{path}.{key}", f"must be a number, not {_describe(value)}")
        return None
    return float(value)


def _read_item(check: _Checker, node: dict, path: str) -> _Draft:
    check.unknown_keys(node, _ITEM_KEYS, path)
    kind = check.one_of(node, "kind", path, ITEM_KINDS, None) or "promise"
    instant = kind == "instant"
    legal_days = check.integer(node, "legal_days", path, default=0 if instant else None)
    promised_days = check.integer(node, "promised_days", path, default=0 if instant else None)
    if instant and promised_days:
        check.problem(
            f"{path}.promised_days",
            "an instant item (即办件) is done on the spot: "
            f"promised_days must be 0, not {promised_days}",
        )
    if legal_days is not None and promised_days is not None and promised_days > legal_days:
        check.problem(
            f"{path}.promised_days",
            f"{promised_days} is above legal_days {legal_days}: "
            "the promised time limit may not exceed the legal one",
        )
    code = None
    if node.get("code") is not None:
        raw_code = node["code"]
        if isinstance(raw_code, int) and not isinstance(raw_code, bool):
            raw_code = str(raw_code)
        if isinstance(raw_code, str) and ITEM_CODE_PATTERN.fullmatch(raw_code):
            code = raw_code
        else:
            check.problem(
                f"{path}.code", f"{_shown(raw_code)} is not an item code (letters, digits)"
            )
    levels = check.id_list(node, "levels", path)
    if "levels" not in node:
        check.problem(f"{path}.levels", "missing (the jurisdiction levels that implement it)")
    elif not levels and not isinstance(node.get("levels"), str):
        check.problem(f"{path}.levels", "must name at least one level")
    for level, level_path in levels:
        if level not in LEVEL_RANK:
            check.problem(level_path, f"'{level}' is not one of {', '.join(JURISDICTION_LEVELS)}")

    materials_node = node.get("materials")
    item_materials: list[ItemMaterial] = []
    material_refs: list[tuple[str, str]] = []
    conditions: list[tuple[Condition, str]] = []
    if materials_node is not None and not isinstance(materials_node, list):
        check.problem(f"{path}.materials", f"must be a list, not {_describe(materials_node)}")
    elif materials_node:
        seen: dict[str, int] = {}
        for index, entry_path, entry in check.nested_entries(
            materials_node, f"{path}.materials", "material", _ITEM_MATERIAL_KEYS
        ):
            material_id = check.ref_id(entry, "material", entry_path)
            when = check.condition(entry, entry_path)
            item_material = ItemMaterial(
                material=material_id or "",
                copies=check.integer(entry, "copies", entry_path, default=1, minimum=1) or 1,
                required=check.boolean(entry, "required", entry_path, True),
                when=when,
            )
            if material_id is None:
                continue
            if material_id in seen:
                check.problem(
                    f"{entry_path}.material",
                    f"'{material_id}' is already asked for at materials[{seen[material_id]}]",
                )
                continue
            seen[material_id] = index
            item_materials.append(item_material)
            material_refs.append((material_id, f"{entry_path}.material"))
            if when:
                conditions.append((when, f"{entry_path}.when"))

    fields = check.id_list(node, "fields", path)
    value = Item(
        id=node.get("id", ""),
        name=check.text(node, "name", path) or "",
        department=check.ref_id(node, "department", path) or "",
        levels=tuple(level for level, _ in levels),
        kind=kind,
        legal_days=legal_days or 0,
        promised_days=promised_days or 0,
        trips=check.integer(node, "trips", path) or 0,
        code=code,
        fee=check.number(node, "fee", path, 0),
        basis=check.text_list(node, "basis", path),
        conditions=check.text_list(node, "conditions", path),
        online=check.boolean(node, "online", path, False),
        issues=check.ref_id(node, "issues", path, required=False),
        fields=tuple(field_id for field_id, _ in fields),
        materials=tuple(item_materials),
        description=check.text(node, "description", path, required=False),
    )
    return _Draft(
        value,
        {
            "department": f"{path}.department",
            "materials": material_refs,
            "fields": fields,
            "conditions": conditions,
        },
    )


def _read_question(check: _Checker, node: dict, path: str) -> Question | None:
    check.unknown_keys(node, _QUESTION_KEYS, path)
    question_id = check.ref_id(node, "id", path)
    question_type = check.one_of(node, "type", path, QUESTION_TYPES, "boolean") or "boolean"
    choices = check.choices(node, path)
    if question_type == "choice" and not choices and "choices" not in node:
        check.problem(f"{path}.choices", "missing: a choice question needs its choices")
    elif question_type == "choice" and len(choices) < 2 and "choices" in node:
        check.problem(f"{path}.choices", "a choice question needs at least two choices")
    elif question_type == "boolean" and choices:
        check.warning(f"{path}.choices", "ignored: a boolean question is answered true or false")
        choices = ()
    text = check.text(node, "text", path)
    if question_id is None:
        return None
    return Question(
        id=question_id,
        text=text or "",
        type=question_type,
        choices=choices,
        help=check.text(node, "help", path, required=False),
    )


def _read_package(check: _Checker, node: dict, path: str) -> _Draft:
    check.unknown_keys(node, _PACKAGE_KEYS, path)
    questions: list[Question] = []
    questions_node = node.get("questions")
    if questions_node is not None and not isinstance(questions_node, list):
        check.problem(f"{path}.questions", f"must be a list, not {_describe(questions_node)}")
    elif questions_node:
        seen_questions: dict[str, int] = {}
        for index, raw in enumerate(questions_node):
            entry = check.mapping(raw, f"{path}.questions[{index}]")
            if entry is None:
                continue
            question = _read_question(check, entry, f"{path}.questions[{index}]")
            if question is None:
                continue
            if question.id in seen_questions:
                check.problem(
                    f"{path}.questions[{index}].id",
                    f"duplicate id '{question.id}' "
                    f"(first at questions[{seen_questions[question.id]}])",
                )
                continue
            seen_questions[question.id] = index
            questions.append(question)

    package_items: list[PackageItem] = []
    item_paths: list[str] = []
    after_refs: list[list[tuple[str, str]]] = []
    conditions: list[tuple[Condition, str]] = []
    items_node = node.get("items")
    if items_node is None:
        check.problem(f"{path}.items", "missing (the items of the package)")
    elif not isinstance(items_node, list):
        check.problem(f"{path}.items", f"must be a list, not {_describe(items_node)}")
    else:
        if not items_node:
            check.warning(f"{path}.items", "the package has no items")
        seen_items: dict[str, int] = {}
        for index, entry_path, entry in check.nested_entries(
            items_node, f"{path}.items", "item", _PACKAGE_ITEM_KEYS
        ):
            item_id = check.ref_id(entry, "item", entry_path)
            after = check.id_list(entry, "after", entry_path)
            when = check.condition(entry, entry_path)
            if item_id is None:
                continue
            if item_id in seen_items:
                check.problem(
                    f"{entry_path}.item",
                    f"'{item_id}' is already in this package at items[{seen_items[item_id]}]",
                )
                continue
            seen_items[item_id] = index
            package_items.append(
                PackageItem(item=item_id, after=tuple(a for a, _ in after), when=when)
            )
            item_paths.append(entry_path)
            after_refs.append(after)
            if when:
                conditions.append((when, f"{entry_path}.when"))

    audience = None
    if node.get("audience") is not None:
        audience = check.one_of(node, "audience", path, AUDIENCES, None)
    value = Package(
        id=node.get("id", ""),
        name=check.text(node, "name", path) or "",
        items=tuple(package_items),
        audience=audience,
        keywords=check.text_list(node, "keywords", path),
        trips=check.integer(node, "trips", path, default=1) or 0,
        questions=tuple(questions),
        description=check.text(node, "description", path, required=False),
    )
    return _Draft(value, {"item_paths": item_paths, "after": after_refs, "conditions": conditions})


# --------------------------------------------------------------------------- cross-references


def _check_jurisdictions(check: _Checker, jurisdictions: dict[str, _Entry]) -> None:
    for code, entry in jurisdictions.items():
        jurisdiction: Jurisdiction = entry.draft.value
        shape = _code_shape_problem(code, jurisdiction.level)
        if shape:
            check.problem(f"{entry.path}.code", shape)
        if jurisdiction.parent is None:
            if jurisdiction.level and jurisdiction.level != "province":
                check.warning(f"{entry.path}.parent", f"a {jurisdiction.level} without a parent")
            continue
        parent_entry = jurisdictions.get(jurisdiction.parent)
        if parent_entry is None:
            check.problem(f"{entry.path}.parent", f"unknown jurisdiction '{jurisdiction.parent}'")
            continue
        parent: Jurisdiction = parent_entry.draft.value
        if jurisdiction.parent == code:
            check.problem(f"{entry.path}.parent", "a jurisdiction cannot be its own parent")
        elif (
            parent.level
            and jurisdiction.level
            and (LEVEL_RANK[parent.level] >= LEVEL_RANK[jurisdiction.level])
        ):
            check.problem(
                f"{entry.path}.parent",
                f"'{jurisdiction.parent}' is a {parent.level}; "
                f"a {jurisdiction.level}'s parent must be of a higher level",
            )
        elif parent.level and not code.startswith(_significant_prefix(parent.code, parent.level)):
            check.problem(
                f"{entry.path}.parent",
                f"'{code}' does not lie within '{jurisdiction.parent}' (GB/T 2260 codes nest)",
            )


def _significant_prefix(code: str, level: str) -> str:
    return {"province": code[:2], "city": code[:4], "county": code[:6], "township": code[:9]}.get(
        level, code
    )


def _code_shape_problem(code: str, level: str) -> str | None:
    expected = {
        "province": len(code) == 6 and code[2:] == "0000",
        "city": len(code) == 6 and code[4:] == "00" and code[2:4] != "00",
        "county": len(code) == 6 and code[4:] != "00",
        "township": len(code) == 9,
        "village": len(code) == 12,
    }.get(level)
    if expected is False:
        return f"'{code}' is not a {level} code (GB/T 2260)"
    return None


def _check_items(
    check: _Checker,
    items: dict[str, _Entry],
    departments: dict[str, _Entry],
    materials: dict[str, _Entry],
    fields: dict[str, _Entry],
) -> None:
    for entry in items.values():
        draft = entry.draft
        item: Item = draft.value
        if item.department and item.department not in departments:
            check.problem(draft.refs["department"], f"unknown department '{item.department}'")
        for material_id, path in draft.refs["materials"]:
            if material_id not in materials:
                check.problem(path, f"unknown material '{material_id}'")
        for field_id, path in draft.refs["fields"]:
            if field_id not in fields:
                check.problem(path, f"unknown field '{field_id}'")


def _check_packages(
    check: _Checker, packages: dict[str, _Entry], items: dict[str, _Entry]
) -> dict[str, Package]:
    """Check references, conditions and cycles; return packages with their dependency order."""
    ordered: dict[str, Package] = {}
    including: dict[str, list[Package]] = {}
    for entry in packages.values():
        draft = entry.draft
        package: Package = draft.value
        members = {pi.item for pi in package.items}
        for package_item, item_path, after in zip(
            package.items, draft.refs["item_paths"], draft.refs["after"], strict=True
        ):
            if package_item.item not in items:
                check.problem(f"{item_path}.item", f"unknown item '{package_item.item}'")
            else:
                including.setdefault(package_item.item, []).append(package)
            for predecessor, after_path in after:
                if predecessor in members:
                    continue
                if predecessor in items:
                    check.problem(after_path, f"item '{predecessor}' is not in this package")
                else:
                    check.problem(after_path, f"unknown item '{predecessor}'")
        for condition, path in draft.refs["conditions"]:
            _check_condition(check, condition, path, package)
        order, cycles = _dependency_order(package)
        for cycle in cycles:
            check.problem(entry.path, f"dependency cycle {' -> '.join(cycle)}")
        ordered[package.id] = replace(package, dependency_order=order)

    all_questions = {q.id for p in ordered.values() for q in p.questions}
    for item_id, entry in items.items():
        for condition, path in entry.draft.refs["conditions"]:
            users = including.get(item_id, [])
            for question_id, values in condition.items():
                asking = [p for p in users if p.question(question_id) is not None]
                if not asking and (users or question_id not in all_questions):
                    where = "any package that includes this item" if users else "any package"
                    check.problem(
                        f"{path}.{question_id}", f"unknown question '{question_id}' in {where}"
                    )
                    continue
                for package in asking:
                    question = package.question(question_id)
                    assert question is not None
                    _check_values(check, question, values, f"{path}.{question_id}", package.id)
                for package in users:
                    if package not in asking:
                        check.warning(
                            f"{path}.{question_id}",
                            f"package '{package.id}' does not ask '{question_id}': "
                            "this material is never asked for there",
                        )
    return ordered


def _check_condition(check: _Checker, condition: Condition, path: str, package: Package) -> None:
    for question_id, values in condition.items():
        question = package.question(question_id)
        if question is None:
            check.problem(f"{path}.{question_id}", f"unknown question '{question_id}'")
            continue
        _check_values(check, question, values, f"{path}.{question_id}", None)


def _check_values(
    check: _Checker, question: Question, values: Iterable[Answer], path: str, package: str | None
) -> None:
    where = f" of package '{package}'" if package else ""
    for value in values:
        if question.accepts(value):
            continue
        if question.type == "boolean":
            check.problem(
                path,
                f"'{question.id}'{where} is answered true or false, "
                f"so {_shown(value)} is impossible",
            )
        else:
            check.problem(
                path,
                f"impossible choice {_shown(value)}: '{question.id}'{where} offers "
                + ", ".join(question.choices),
            )


def _dependency_order(package: Package) -> tuple[tuple[int, ...], list[list[str]]]:
    """A topological order of the package's items (stable in package order) and its cycles."""
    index_of = {pi.item: i for i, pi in enumerate(package.items)}
    predecessors = [[index_of[a] for a in pi.after if a in index_of] for pi in package.items]
    successors: list[list[int]] = [[] for _ in package.items]
    for node, preds in enumerate(predecessors):
        for pred in preds:
            successors[pred].append(node)
    waiting = [len(preds) for preds in predecessors]
    ready = [node for node, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        node = heapq.heappop(ready)
        order.append(node)
        for successor in successors[node]:
            waiting[successor] -= 1
            if waiting[successor] == 0:
                heapq.heappush(ready, successor)
    if len(order) == len(package.items):
        return tuple(order), []
    cycles = []
    for group in _strongly_connected(predecessors, successors):
        start = min(group)
        if len(group) > 1 or start in predecessors[start]:
            walk = _shortest_cycle(start, predecessors, group)
            cycles.append([package.items[node].item for node in walk])
    return tuple(order), cycles


def _strongly_connected(
    predecessors: list[list[int]], successors: list[list[int]]
) -> list[set[int]]:
    """Kosaraju: groups of items that all (transitively) wait on each other, in package order."""
    finished: list[int] = []
    visited: set[int] = set()
    for root in range(len(predecessors)):
        if root in visited:
            continue
        visited.add(root)
        stack = [(root, iter(predecessors[root]))]
        while stack:
            node, pending = stack[-1]
            step = next(pending, None)
            if step is None:
                stack.pop()
                finished.append(node)
            elif step not in visited:
                visited.add(step)
                stack.append((step, iter(predecessors[step])))
    groups: list[set[int]] = []
    assigned: set[int] = set()
    for root in reversed(finished):
        if root in assigned:
            continue
        group = {root}
        assigned.add(root)
        to_visit = [root]
        while to_visit:
            node = to_visit.pop()
            for successor in successors[node]:
                if successor not in assigned:
                    assigned.add(successor)
                    group.add(successor)
                    to_visit.append(successor)
        groups.append(group)
    return sorted(groups, key=min)


def _shortest_cycle(start: int, predecessors: list[list[int]], group: set[int]) -> list[int]:
    """start -> ... -> start along `after` edges, staying inside its group."""
    reached_from: dict[int, int] = {}
    frontier = [start]
    while frontier:
        next_frontier = []
        for node in frontier:
            for pred in predecessors[node]:
                if pred == start:
                    walk = [node]
                    while walk[-1] != start:
                        walk.append(reached_from[walk[-1]])
                    return [start, *reversed(walk[:-1]), start] if node != start else [start, start]
                if pred in group and pred not in reached_from:
                    reached_from[pred] = node
                    next_frontier.append(pred)
        frontier = next_frontier
    return [start, start]

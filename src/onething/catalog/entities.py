"""The catalogue's domain model (事项编制): plain frozen dataclasses, no framework.

A `Catalog` is only ever built by `onething.catalog.loading` from a document that
passed validation, so every reference in it resolves and every package's
dependency graph is acyclic. The guide (`onething.catalog.guide`) relies on that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from onething.catalog.instant import ONLINE_DEPTH_LABELS, InstantRules, default_depth

JURISDICTION_LEVELS: tuple[str, ...] = ("province", "city", "county", "township", "village")

ITEM_KINDS: tuple[str, ...] = ("instant", "promise")  # 即办件 | 承诺件

FIELD_TYPES: tuple[str, ...] = (
    "text",
    "integer",
    "number",
    "date",
    "boolean",
    "choice",
    "id_card",  # 居民身份证号码, GB 11643
    "uscc",  # 统一社会信用代码, GB 32100
    "phone",
    "email",
    "address",
)

QUESTION_TYPES: tuple[str, ...] = ("boolean", "choice")
AUDIENCES: tuple[str, ...] = ("enterprise", "citizen")

# An answer to a scenario question (情形引导): a bool for a boolean question, the
# chosen text for a choice question.
Answer = bool | str
Answers = Mapping[str, Answer]

# A condition (`when`): question id -> the values any of which makes it hold.
Condition = Mapping[str, tuple[Answer, ...]]


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """An administrative division (行政区划), identified by its GB/T 2260 code."""

    code: str
    name: str
    level: str
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Department:
    """A functional department, instantiated in each jurisdiction (e.g. 市场监督管理局)."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Material:
    """An entry of the material library (材料库)."""

    id: str
    name: str
    evidence: str | None = None  # e-licence type that can stand in for it (免提交)
    note: str | None = None
    commitment: bool = False  # 告知承诺制: the applicant's written promise may replace it
    generated: bool = False  # made by the platform from the one form (申请书), never uploaded


@dataclass(frozen=True, slots=True)
class Field:
    """An entry of the data dictionary (数据元)."""

    id: str
    label: str
    type: str = "text"
    choices: tuple[str, ...] = ()
    required: bool = True
    help: str | None = None
    group: str | None = None  # the one form's section; see onething.intake.grouping
    min: float | None = None  # integer and number fields: the smallest allowed
    max: float | None = None  # … and the largest
    max_length: int | None = None  # text fields: at most this many characters


@dataclass(frozen=True, slots=True)
class ItemMaterial:
    """A material an item asks for, with how many copies and under which condition."""

    material: str
    copies: int = 1
    required: bool = True
    when: Condition = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Item:
    """A service item (政务服务事项) as implemented by a department."""

    id: str
    name: str
    department: str
    levels: tuple[str, ...]
    kind: str
    legal_days: int  # 法定办结时限, working days
    promised_days: int  # 承诺办结时限, working days
    trips: int  # 到现场次数 when applied for on its own
    code: str | None = None
    fee: float = 0
    basis: tuple[str, ...] = ()  # 办理依据
    conditions: tuple[str, ...] = ()  # 受理条件
    online: bool = False  # 全程网办
    issues: str | None = None  # e-licence type the item produces
    fields: tuple[str, ...] = ()
    materials: tuple[ItemMaterial, ...] = ()
    description: str | None = None
    expert_review: str | None = None  # the expert review (专家评审) its decision waits on
    online_depth: str | None = None  # 网办深度 (full | one_trip | window); None: from trips
    instant: InstantRules | None = None  # 秒批: decided by the platform when these hold
    # 多地联办: implemented by the partner node of this GB/T 2260 place (its package
    # `partner_package`, "": the package's own id); this node only accepts and hands over
    partner_place: str | None = None
    partner_package: str = ""

    @property
    def by_partner(self) -> bool:
        return self.partner_place is not None

    @property
    def depth(self) -> str:
        """网办深度: as declared, else from the item's trips and `online` flag."""
        return self.online_depth or default_depth(self.trips, self.online)

    @property
    def depth_label(self) -> str:
        return ONLINE_DEPTH_LABELS[self.depth]


@dataclass(frozen=True, slots=True)
class Question:
    """A scenario question (情形引导) asked before the guide is shown."""

    id: str
    text: str
    type: str = "boolean"
    choices: tuple[str, ...] = ()
    help: str | None = None

    def accepts(self, value: Answer) -> bool:
        if self.type == "boolean":
            return isinstance(value, bool)
        return isinstance(value, str) and value in self.choices


@dataclass(frozen=True, slots=True)
class PackageItem:
    """An item's place in a package: its predecessors and its condition."""

    item: str
    after: tuple[str, ...] = ()
    when: Condition = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Package:
    """A 一件事 package: several items an applicant does as one thing."""

    id: str
    name: str
    items: tuple[PackageItem, ...]
    audience: str | None = None
    keywords: tuple[str, ...] = ()
    trips: int = 1  # visits when done as a package; 0 = fully online
    questions: tuple[Question, ...] = ()
    description: str | None = None
    # The package items in an order where every item follows its predecessors;
    # computed by the loader once the graph is known to be acyclic.
    dependency_order: tuple[int, ...] = ()
    project_type: str | None = None  # the kind of investment project it serves (grid_rebuild …)
    bundle: bool = False  # several projects of that type may be filed as one (打包办)
    # 打包办: the form's fields each project fills in for itself (the rest are shared)
    per_project_fields: tuple[str, ...] = ()

    def question(self, question_id: str) -> Question | None:
        for question in self.questions:
            if question.id == question_id:
                return question
        return None


HOLDER_KINDS: tuple[str, ...] = ("enterprise", "person")


@dataclass(frozen=True, slots=True)
class LicenceType:
    """A type of electronic certificate (电子证照目录): what an item `issues` and what a
    material's `evidence` names. Optional catalogue data; a type an item issues without
    an entry here gets the defaults (see `licence_type_of`)."""

    id: str
    name: str
    code: str  # 证照类型代码 in the certificate number: capitals and digits
    holder: str = "enterprise"  # enterprise | person
    valid_years: int | None = None  # None: 长期有效
    fields: tuple[str, ...] = ()  # data-dictionary ids printed on the certificate


@dataclass(frozen=True, slots=True)
class ExpertReview:
    """专家评审: a special procedure (特别程序) that the decision of each item naming it waits
    on. Its working days are not counted in the items' time limits (《行政许可法》第四十五条);
    its fee is a base for each review plus a part for each project reviewed in it, so one
    review of several projects (打包办) costs less than one review each."""

    id: str
    name: str
    department: str  # who organises it
    days: int  # working days one review takes
    fee_base: float = 0  # yuan, each review
    fee_per_project: float = 0  # yuan, each project reviewed in it
    basis: tuple[str, ...] = ()
    description: str | None = None

    def fee(self, projects: int = 1) -> float:
        """The fee of one review of `projects` projects."""
        return self.fee_base + self.fee_per_project * projects


@dataclass(frozen=True, slots=True)
class Catalog:
    """A validated catalogue. Mappings keep the file's order."""

    version: int
    jurisdictions: Mapping[str, Jurisdiction]
    departments: Mapping[str, Department]
    materials: Mapping[str, Material]
    fields: Mapping[str, Field]
    items: Mapping[str, Item]
    packages: Mapping[str, Package]
    licence_types: Mapping[str, LicenceType] = field(default_factory=dict)
    expert_reviews: Mapping[str, ExpertReview] = field(default_factory=dict)

    def expert_review_of(self, item: Item) -> ExpertReview | None:
        """The expert review an item's decision waits on, None if none."""
        return None if item.expert_review is None else self.expert_reviews[item.expert_review]

    def licence_type_of(self, item: Item) -> LicenceType | None:
        """The certificate an item issues, None if it issues none. A type the catalogue
        does not describe is named after the item, valid for good, showing its fields."""
        if item.issues is None:
            return None
        known = self.licence_types.get(item.issues)
        if known is not None:
            return known
        return LicenceType(
            id=item.issues,
            name=item.name,
            code=default_licence_code(item.issues),
            fields=item.fields,
        )

    def place_name(self, code: str) -> str:
        """A jurisdiction as people name it: a county or township with its city (阳泉市郊区,
        吕梁市离石区), a city or province alone; the code itself when unknown."""
        found = self.jurisdictions.get(code)
        if found is None:
            return code
        if found.level in ("county", "township", "village"):
            parent = self.jurisdictions.get(found.parent or "")
            while parent is not None and parent.level not in ("city", "province"):
                parent = self.jurisdictions.get(parent.parent or "")
            if parent is not None and not found.name.startswith(parent.name):
                return parent.name + found.name
        return found.name

    def children_of(self, code: str) -> list[Jurisdiction]:
        return [j for j in self.jurisdictions.values() if j.parent == code]


def default_licence_code(type_id: str) -> str:
    """证照类型代码 when the catalogue gives none: the id's letters and digits, upper case."""
    return "".join(c for c in type_id.upper() if c.isalnum())[:20] or "LICENCE"

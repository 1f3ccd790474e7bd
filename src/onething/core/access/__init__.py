"""Who may see what, and who may do what: the one place every page, API, service and
list asks (a `*_visible_to(user)` queryset per model, and named checks on one object).

Jurisdictions are GB/T 2260 codes that nest, so "within a jurisdiction" is a prefix:
吕梁市 141100 covers 1411xx. Staff see what lies within their own jurisdiction; a staff
account with no jurisdiction sees nothing (never "everything" — an empty prefix would
match every code). The administrator sees everything; an applicant their own; an agent
what they filed for the principals who authorised them.

The models are looked up through Django's app registry, so this module imports no
other app of the platform: every app may ask it, and no import cycle arises.
"""

# One place, in parts a reader can hold in mind: each part's names are this package's.
from onething.core.access.administrators import *  # noqa: F403
from onething.core.access.base import *  # noqa: F403
from onething.core.access.cases import *  # noqa: F403
from onething.core.access.editing import *  # noqa: F403
from onething.core.access.evaluation import *  # noqa: F403
from onething.core.access.exchange import *  # noqa: F403
from onething.core.access.halls import *  # noqa: F403
from onething.core.access.licences import *  # noqa: F403
from onething.core.access.personal import *  # noqa: F403

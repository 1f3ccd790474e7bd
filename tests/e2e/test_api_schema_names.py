"""Two schemas of one name would share one entry of /openapi.json's components: the later
overwrites the earlier, and clients read one operation's answer with another's shape.
Every schema class the API uses has a name of its own."""

import pytest

pytestmark = pytest.mark.django_db


def test_no_two_schemas_share_a_name(client):
    from ninja import Schema

    from onething.web.api import api

    api.get_openapi_schema()  # imports every router

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    seen: dict[str, str] = {}
    clashes = []
    for schema in subclasses(Schema):
        if not schema.__module__.startswith("onething."):
            continue
        where = f"{schema.__module__}.{schema.__qualname__}"
        if schema.__name__ in seen and seen[schema.__name__] != where:
            clashes.append(f"{schema.__name__}: {seen[schema.__name__]} and {where}")
        seen.setdefault(schema.__name__, where)
    assert not clashes, clashes

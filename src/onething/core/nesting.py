"""How deeply a JSON text nests its arrays and objects, read without parsing it: Python's
parser recurses once a level, and a few thousand ``[`` end in RecursionError (a 500)
where the caller deserves a 400 naming the problem. Pure: no Django.

Nothing this platform reads nests beyond a few levels (a certificate: 3; a filing: 2), so
MAX_JSON_DEPTH leaves room and stays far below the interpreter's limit — as the catalogue
reader refuses YAML nested beyond 64 levels.
"""

from __future__ import annotations

import re
from itertools import accumulate

MAX_JSON_DEPTH = 64
TOO_DEEP = f"JSON 嵌套层数过多：数组和对象最多嵌套 {MAX_JSON_DEPTH} 层"

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # a bracket in a string is text
# Opening brackets become 1, closing ones 255 (-1 read as signed), the rest goes.
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_OTHER = bytes(b for b in range(256) if b not in b"[{]}")


def json_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in `data` (0 for a scalar). Linear, and
    for text that is not JSON an answer all the same (it is refused when parsed)."""
    steps = _STRING.sub(b"", data).translate(_STEPS, _OTHER)
    if not steps:
        return 0
    return max(0, max(accumulate(memoryview(steps).cast("b"))))


def too_deep(data: bytes) -> bool:
    return json_depth(data) > MAX_JSON_DEPTH


# A NUL character (U+0000) in a JSON string: PostgreSQL's text cannot hold one, so it is
# refused up front with a message rather than failing when stored. An escaped backslash
# before "u0000" is text, not a NUL.
NUL_IN_JSON = "请求内容含有空字符（\\u0000），无法保存：请删去后再提交"
_NUL = re.compile(rb"\x00|(?<!\\)(?:\\\\)*\\u0000")


def has_nul(data: bytes) -> bool:
    return _NUL.search(data) is not None

"""Gregorian dates of the lunar festivals that are public holidays, 2000–2100.

For each year, the Gregorian (公历) dates of three days of the Chinese calendar
(农历) of that year:

* 正月初一, the first day of the first month (春节 is the day before it, 除夕,
  through 初三);
* 五月初五, 端午节;
* 八月十五, 中秋节.

The dates follow the published Chinese calendar, that is 农历 as computed by the
rules of the Purple Mountain Observatory (紫金山天文台) and GB/T 33661-2017
《农历的编算和颁行》. They were tabulated once, outside this project, and are kept
here as data so that the project depends on no lunar-calendar package; a unit test
checks them against the ``chinese_calendar`` holidays for every year it covers.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

FIRST_YEAR = 2000
LAST_YEAR = 2100

# One entry per year: YEAR MMDD(正月初一) MMDD(五月初五) MMDD(八月十五).
_TABLE = """
    2000 0205 0606 0912  2001 0124 0625 1001  2002 0212 0615 0921  2003 0201 0604 0911
    2004 0122 0622 0928  2005 0209 0611 0918  2006 0129 0531 1006  2007 0218 0619 0925
    2008 0207 0608 0914  2009 0126 0528 1003  2010 0214 0616 0922  2011 0203 0606 0912
    2012 0123 0623 0930  2013 0210 0612 0919  2014 0131 0602 0908  2015 0219 0620 0927
    2016 0208 0609 0915  2017 0128 0530 1004  2018 0216 0618 0924  2019 0205 0607 0913
    2020 0125 0625 1001  2021 0212 0614 0921  2022 0201 0603 0910  2023 0122 0622 0929
    2024 0210 0610 0917  2025 0129 0531 1006  2026 0217 0619 0925  2027 0206 0609 0915
    2028 0126 0528 1003  2029 0213 0616 0922  2030 0203 0605 0912  2031 0123 0624 1001
    2032 0211 0612 0919  2033 0131 0601 0908  2034 0219 0620 0927  2035 0208 0610 0916
    2036 0128 0530 1004  2037 0215 0618 0924  2038 0204 0607 0913  2039 0124 0527 1002
    2040 0212 0614 0920  2041 0201 0603 0910  2042 0122 0622 0928  2043 0210 0611 0917
    2044 0130 0531 1005  2045 0217 0619 0925  2046 0206 0608 0915  2047 0126 0529 1004
    2048 0214 0615 0922  2049 0202 0604 0911  2050 0123 0623 0930  2051 0211 0613 0919
    2052 0201 0601 0907  2053 0219 0620 0926  2054 0208 0610 0916  2055 0128 0530 1005
    2056 0215 0617 0924  2057 0204 0606 0913  2058 0124 0625 1002  2059 0212 0614 0921
    2060 0202 0603 0909  2061 0121 0622 0928  2062 0209 0611 0917  2063 0129 0601 1006
    2064 0217 0619 0925  2065 0205 0608 0915  2066 0126 0528 1003  2067 0214 0616 0923
    2068 0203 0604 0911  2069 0123 0623 0929  2070 0211 0613 0919  2071 0131 0602 0908
    2072 0219 0620 0926  2073 0207 0610 0916  2074 0127 0530 1005  2075 0215 0617 0924
    2076 0205 0606 0912  2077 0124 0624 1001  2078 0212 0614 0920  2079 0202 0604 0910
    2080 0122 0622 0928  2081 0209 0611 0917  2082 0129 0601 1006  2083 0217 0619 0926
    2084 0206 0607 0914  2085 0126 0527 1003  2086 0214 0615 0922  2087 0203 0605 0911
    2088 0124 0623 0929  2089 0210 0613 0918  2090 0130 0602 0908  2091 0218 0621 0927
    2092 0207 0609 0916  2093 0127 0529 1005  2094 0215 0617 0924  2095 0205 0606 0913
    2096 0125 0624 0930  2097 0212 0614 0920  2098 0201 0604 0909  2099 0121 0623 0929
    2100 0209 0612 0918
"""


class LunarFestivals(NamedTuple):
    """The Gregorian dates of one year's lunar festival days."""

    new_year: date  # 正月初一
    dragon_boat: date  # 五月初五
    mid_autumn: date  # 八月十五


def _parse_table(table: str) -> dict[int, LunarFestivals]:
    fields = table.split()
    parsed: dict[int, LunarFestivals] = {}
    for i in range(0, len(fields), 4):
        year = int(fields[i])
        days = [date(year, int(mmdd[:2]), int(mmdd[2:])) for mmdd in fields[i + 1 : i + 4]]
        parsed[year] = LunarFestivals(*days)
    return parsed


_FESTIVALS = _parse_table(_TABLE)


def covers(year: int) -> bool:
    """Whether the table has the year."""
    return year in _FESTIVALS


def lunar_festivals(year: int) -> LunarFestivals:
    """The year's 正月初一, 五月初五 and 八月十五; ValueError outside 2000–2100."""
    try:
        return _FESTIVALS[year]
    except KeyError:
        raise ValueError(
            f"no lunar calendar data for {year} (the table covers {FIRST_YEAR}–{LAST_YEAR})"
        ) from None

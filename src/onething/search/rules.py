"""Understanding what people type (pure: no Django): clean it, turn traditional characters
into simplified ones, drop the filler words, expand synonyms, and read pinyin — full,
spaced or initials — as the characters it stands for.

Everything here is offline and deterministic: OpenCC (繁→简), pypinyin (汉字→拼音) and a
table of Mandarin syllables to split "kaiyaodian" into kai·yao·dian.
"""

from __future__ import annotations

import itertools
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

QUERY_LIMIT = 100  # characters of a query that are read; the rest is ignored

# The words people wrap a request in (我想…, 怎么办…吗), longest first so that 我想要 goes
# whole. They say nothing about which thing is meant.
_FILLER_TEXT = """
    我想要 我要 我想 想要 想去 打算 准备 请问 你好 您好 麻烦 帮我 帮忙
    一下 怎么办理 怎么办 怎么弄 怎么 如何 怎样 咋办 咋 需要 应该 可以
    能不能 能否 是否 哪里 在哪 去哪 办理 手续 流程 一件事 什么 哪些 哪个
    有哪些 多少 啥 的话 吗 呢 吧 啊 呀 了 个 的 我 想 要 去 办
"""
FILLERS = tuple(sorted(_FILLER_TEXT.split(), key=len, reverse=True))
_FILLER_PATTERN = re.compile("|".join(map(re.escape, FILLERS)))
_NOT_TEXT = re.compile(r"[^0-9a-z\u3400-\u9fff]+")
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN_RUN = re.compile(r"[a-z]+")

# Toneless Mandarin syllables as pypinyin writes them (ü as v).
_SYLLABLE_TEXT = """
    a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai
    can cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua
    chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de
    dei den deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er
    fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua
    guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai
    huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka
    kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan
    lang lao le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan lun luo
    lv lve lue ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu
    na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan
    nun nuo nv nve nue o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po
    pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren
    reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan
    shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si
    song sou su suan sui sun suo ta tai tan tang tao te tei teng ti tian tiao tie ting tong
    tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie
    xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan
    yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng
    zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun
    zuo
"""
SYLLABLES = frozenset(_SYLLABLE_TEXT.split())
_LONGEST_SYLLABLE = max(map(len, SYLLABLES))


# --------------------------------------------------------------------------- characters

_opencc_lock = threading.Lock()


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """繁體 → 简体 (OpenCC t2s); simplified text is returned as it is."""
    with _opencc_lock:  # one converter, shared; OpenCC's C++ object is not re-entrant
        return _t2s().convert(text)


def clean(text: str) -> str:
    """What of a query is read: NFKC (full-width letters and digits become plain ones),
    lower case, simplified characters, the first QUERY_LIMIT characters, and anything
    that is neither a letter, a digit nor a Chinese character turned into a space
    (emoji, punctuation, markup)."""
    text = unicodedata.normalize("NFKC", text[: QUERY_LIMIT * 4]).lower()
    text = _NOT_TEXT.sub(" ", text).strip()[:QUERY_LIMIT]
    if _HAN.search(text):
        text = to_simplified(text)
    return text


def without_fillers(text: str) -> str:
    """The text with the words people wrap a request in taken out (我想开个药店 → 开药店)."""
    return _FILLER_PATTERN.sub(" ", text)


def han_runs(text: str) -> list[str]:
    return re.findall(r"[\u3400-\u9fff]+", text)


def bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def has_latin(text: str) -> bool:
    return bool(_LATIN_RUN.search(text))


# --------------------------------------------------------------------------- synonyms


@dataclass(frozen=True, slots=True)
class Synonyms:
    """People's words → the catalogue's words (药铺 → 药店, 关掉公司 → 注销). Each phrase
    found in a query adds its catalogue words; the query keeps its own words too."""

    table: Mapping[str, tuple[str, ...]]

    def expand(
        self, text: str, literal: frozenset[str] = frozenset()
    ) -> tuple[str, list[tuple[str, str]]]:
        """The text in the catalogue's words: each phrase found (longest first) is put in
        its catalogue words' place — or, when the catalogue uses the phrase itself
        (`literal`), kept and followed by them; and which phrases did it."""
        used: list[tuple[str, str]] = []
        for phrase in sorted(self.table, key=len, reverse=True):
            if phrase in text:
                words = " ".join(self.table[phrase])
                kept = phrase if phrase in literal else ""
                text = text.replace(phrase, f" {kept} {words} ")
                used += [(phrase, word) for word in self.table[phrase]]
        return " ".join(text.split()), used


def parse_synonyms(data: object) -> tuple[Synonyms, list[str]]:
    """A synonym file's content (YAML already read): `{synonyms: {说法: 目录用词 | [词, …]}}`.
    What cannot be used is reported (in Chinese, naming the entry) and left out."""
    problems: list[str] = []
    table: dict[str, tuple[str, ...]] = {}
    entries = data.get("synonyms") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        return Synonyms({}), ["同义词文件应为 synonyms: {说法: 目录用词} 的形式"]
    for phrase, words in entries.items():
        listed = [words] if isinstance(words, str) else words
        if not isinstance(phrase, str) or not isinstance(listed, list):
            problems.append(f"synonyms[{phrase}]: 应为文字或文字列表")
            continue
        key = clean(phrase).replace(" ", "")
        values = tuple(clean(w).replace(" ", "") for w in listed if isinstance(w, str))
        if not key or not any(values):
            problems.append(f"synonyms[{phrase}]: 说法和目录用词都不能为空")
            continue
        table[key] = tuple(dict.fromkeys(table.get(key, ()) + tuple(v for v in values if v)))
    return Synonyms(table), problems


# --------------------------------------------------------------------------- pinyin


def syllables_of(text: str) -> list[str]:
    """The toneless pinyin of each Chinese character; Latin runs split into syllables
    (the first way with fewest syllables); anything else dropped."""
    out: list[str] = []
    for part in re.findall(r"[\u3400-\u9fff]+|[a-z]+", text):
        if _HAN.match(part):
            out.extend(_han_syllables(part))
        else:
            out.extend(split_pinyin(part) or [])
    return out


@lru_cache(maxsize=65536)
def _han_syllables(run: str) -> tuple[str, ...]:
    from pypinyin import lazy_pinyin

    return tuple(lazy_pinyin(run, errors="ignore"))


def split_pinyin(letters: str) -> list[str] | None:
    """kaiyaodian → [kai, yao, dian]; None when the letters are not pinyin (kyd)."""
    if not letters or len(letters) > QUERY_LIMIT:
        return None
    best: list[list[str] | None] = [None] * (len(letters) + 1)
    best[0] = []
    for end in range(1, len(letters) + 1):
        for size in range(min(_LONGEST_SYLLABLE, end), 0, -1):
            before = best[end - size]
            piece = letters[end - size : end]
            if before is not None and piece in SYLLABLES:
                candidate = [*before, piece]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[len(letters)]


_FUZZY = (("zh", "z"), ("ch", "c"), ("sh", "s"))


def fuzzy(syllable: str) -> str:
    """A syllable as a listener who mixes zh/z, ch/c, sh/s, -ng/-n and l/n hears it (方言
    and typing slips): pinyin matching compares these forms."""
    for long, short in _FUZZY:
        if syllable.startswith(long):
            syllable = short + syllable[2:]
            break
    if syllable.startswith("l"):
        syllable = "n" + syllable[1:]
    if syllable.endswith("ng") and len(syllable) > 2:
        syllable = syllable[:-1]
    return syllable


def pinyin_pairs(syllables: Iterable[str]) -> list[str]:
    """Adjacent syllables as tokens (kai_yao, yao_dian; one syllable alone names too many
    characters to mean anything), each also in its forgiving form (~zu_ce for zhu_ce)."""
    said = list(syllables)
    heard = [fuzzy(s) for s in said]
    exact = [f"{a}_{b}" for a, b in itertools.pairwise(said)]
    return exact + [f"~{a}_{b}" for a, b in itertools.pairwise(heard)]


def initials_of(text: str) -> str:
    """The first letters of each character's pinyin (开药店 → kyd)."""
    return "".join(s[0] for s in syllables_of(text) if s)

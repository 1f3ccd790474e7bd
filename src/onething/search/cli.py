"""`onething search QUERY [--format text|json] [--limit N]` and `onething ask PACKAGE
QUESTION [--answer ID=VALUE ...]`: the same search and 智能问答 as the API and the pages.
Exit codes: 0 done (also when nothing is found); 2 a bad request, with a one-line `error:`."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from onething.bootstrap import setup_django

app = typer.Typer(pretty_exceptions_enable=False, add_completion=False)


class Format(StrEnum):
    text = "text"
    json = "json"


@app.command("search")
def search_command(
    query: Annotated[
        str, typer.Argument(help="What a person would type: words, pinyin, initials.")
    ],
    format: Annotated[Format, typer.Option("--format", "-f", help="text or json")] = Format.text,
    limit: Annotated[int, typer.Option(help="At most this many results (1–50).")] = 10,
) -> None:
    """搜索: packages and items best first, as GET /api/v1/search answers."""
    setup_django()
    from onething.search import services
    from onething.search.api import result_out

    if not 1 <= limit <= services.MAX_LIMIT:
        _fail(f"--limit 应为 1 到 {services.MAX_LIMIT} 之间的整数")
    answer = services.search(query, limit)
    if format == Format.json:
        results = [result_out(hit) for hit in answer.results]
        typer.echo(json.dumps({"query": answer.query, "results": results}, ensure_ascii=False))
        return
    if not answer.catalog_ready:
        typer.echo("尚未导入事项目录")
    elif not answer.query:
        typer.echo("请写下要办的事，例如：开药店、公司不干了怎么关掉、kaiyaodian")
    elif not answer.results:
        _nothing_found(answer)
    for number, hit in enumerate(answer.results, 1):
        kind = "一件事" if hit.kind == "package" else "事项"
        typer.echo(f"{number}. {hit.name}（{kind} {hit.id}，{hit.score:.3f}）{hit.why}")


def _nothing_found(answer) -> None:
    from onething.search import services

    typer.echo(f"没有找到与“{answer.query}”相关的事项。")
    closest = services.closest_packages(answer)
    if closest:
        typer.echo("您可能要办：" + "、".join(f"{name}（{pid}）" for pid, name in closest))
    phones = [f"{h.name} {h.phone}" for h in services.halls() if h.phone]
    typer.echo("还可以这样办：")
    typer.echo("  帮办代办：到政务服务中心的帮办代办窗口，工作人员帮您查找事项、填表申报")
    typer.echo("  打电话问大厅：" + "；".join([*phones, "政务服务便民热线 12345（24 小时）"]))
    typer.echo("  提个问题：在网页 /search/question 写下您想办的事，按 12345 咨询转给工作人员答复")


@app.command("ask")
def ask_command(
    package: Annotated[str, typer.Argument(help="The package's id, e.g. open_pharmacy.")],
    question: Annotated[str, typer.Argument(help="e.g. 要带什么材料")],
    answer: Annotated[
        list[str] | None,
        typer.Option("--answer", "-a", help="A guide question's answer, ID=VALUE."),
    ] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="text or json")] = Format.text,
) -> None:
    """智能问答: answered from the package's guide, or filed as a 12345 咨询."""
    setup_django()
    from onething.core.errors import CaseError
    from onething.search import asking
    from onething.search.api import asked_out

    answers = {}
    for pair in answer or []:
        key, sep, value = pair.partition("=")
        if not sep:
            _fail(f"--answer 应为 问题编号=回答，而不是 {pair[:40]}")
        answers[key.strip()] = value.strip()
    try:
        asked = asking.ask(asking.Question(package, question, answers))
    except CaseError as exc:
        fields = exc.details.get("fields", {})
        _fail("；".join([exc.message, *fields.values()]))
    if format == Format.json:
        typer.echo(json.dumps(asked_out(asked), ensure_ascii=False))
    elif asked.answer is not None:
        typer.echo(
            f"{asked.answer.text}\n出处：办事指南「{asked.answer.section.title}」 {asked.guide_url}"
        )
    else:
        typer.echo(f"指南里没有写明，已转为 12345 咨询。查询码：{asked.tracking}")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)

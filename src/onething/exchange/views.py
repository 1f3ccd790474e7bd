"""跨省通办's pages and the node-to-node inbox. The inbox (POST /exchange/inbox) is
authenticated by the signed envelope itself; the pages by the session and role. Each view
reads the request, calls one service, renders."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from onething.core.access import (
    may_forward_cross_region,
    may_keep_partners,
    may_watch_exchange,
    remote_cases_visible_to,
)
from onething.core.errors import CaseError
from onething.exchange import inbox, journey, outbox, partners, recognition, services
from onething.exchange.identity import identity, identity_document, public_keys
from onething.exchange.models import InboundMessage, Partner, Refusal
from onething.exchange.offers import current_offers
from onething.privacy.masking import mask_id_number, mask_name, mask_phone

MOST_ENVELOPE = 48 * 1024 * 1024
DONE = {"retry": "已安排立即重发", "cancel": "已取消发送", "reapply": "已重新处理"}


@csrf_exempt
@require_POST
def receive(request: HttpRequest) -> JsonResponse:
    """Node to node: one envelope (compact JWS) as the body; a signed receipt back."""
    data = _body(request)
    if len(data) > MOST_ENVELOPE:
        return JsonResponse({"detail": "交换消息太大：一份消息不超过 48 MB"}, status=413)
    try:
        token = data.decode("ascii")
    except UnicodeDecodeError:
        token = ""
    status, answer = inbox.receive(token, request.META.get("REMOTE_ADDR", ""))
    return JsonResponse(answer, status=status, json_dumps_params={"ensure_ascii": False})


def _body(request: HttpRequest) -> bytes:
    """The whole body, read in chunks (one read of a socket may return less), at most
    one byte over the limit (a larger body was refused by web/limits.py already)."""
    chunks, size = [], 0
    while size <= MOST_ENVELOPE and (chunk := request.read(1024 * 1024)):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def identity_json(request: HttpRequest) -> JsonResponse:
    """This node's public identity document (keys, 跨省通办 list), for partners."""
    return JsonResponse(identity_document(), json_dumps_params={"ensure_ascii": False})


def figures(request: HttpRequest) -> HttpResponse:
    """跨省通办 in public figures: partners, regions, items."""
    return render(
        request,
        "exchange/figures.html",
        {"figures": services.public_figures(), "partners": Partner.objects.filter(active=True)},
    )


def verify(request: HttpRequest) -> HttpResponse:
    """证照互认: anyone uploads a partner region's certificate (PDF or JSON) to check it."""
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择合作地区签发的电子证照文件（PDF 或 JSON）")
        else:
            result = recognition.recognise_file(upload.read(10 * 1024 * 1024 + 1))
    return render(request, "exchange/verify.html", {"result": result, "nav": "verify"})


def _staff(request: HttpRequest) -> None:
    user = request.user
    if not (may_forward_cross_region(user) or may_watch_exchange(user)):
        raise Http404("没有此页面")


def home(request: HttpRequest) -> HttpResponse:
    """The exchange page: a clerk's 收件 forms and cases; a supervisor's messages and
    refusals; the administrator's partners and keys."""
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login?next={request.path}")
    _staff(request)
    user = request.user
    state = request.GET.get("state", "")
    watching = may_watch_exchange(user)
    context = {
        "nav": "exchange",
        "node": identity(),
        "cases": remote_cases_visible_to(user).select_related("partner")[:100],
        "offers": [(p, entry) for p in Partner.objects.filter(active=True) for entry in p.offered]
        if may_forward_cross_region(user)
        else [],
        "watching": watching,
        "keeps_partners": may_keep_partners(user),
        "state": state,
    }
    if watching:
        context |= {
            "overview": services.overview(),
            "rows": services.outbound_rows(state),
            "inbound": InboundMessage.objects.exclude(state=InboundMessage.APPLIED)
            .select_related("partner")
            .defer("secret")[:50],
            "refusals": [(r, services.refusal_label(r.code)) for r in Refusal.objects.all()[:50]],
            "partners": Partner.objects.prefetch_related("keys"),
            "keys": public_keys(),
            "our_offers": current_offers(),
        }
    return render(request, "exchange/home.html", context)


def _files(request: HttpRequest, entry: dict) -> tuple[journey.Material, ...]:
    found = []
    for material in entry.get("materials", []):
        upload = request.FILES.get(f"material_{material.get('id')}")
        if upload is not None:
            data = upload.read(journey.MOST_MATERIAL_BYTES + 1)
            if len(data) > journey.MOST_MATERIAL_BYTES:
                raise CaseError(f"“{material.get('name')}”太大：每份材料不超过 10 MB")
            found.append(journey.Material(str(material.get("id")), upload.name or "", data))
    return tuple(found)


@require_POST
def forward(request: HttpRequest) -> HttpResponse:
    """收: the clerk's form for one partner item."""
    if not request.user.is_authenticated:
        return redirect("/accounts/login")
    post = request.POST
    partner = Partner.objects.filter(code=post.get("partner", "")).first()
    try:
        if partner is None:
            raise CaseError("请选择合作地区")
        entry = journey.offered_package(partner, post.get("package", ""))
        answers = {q["id"]: post.get(f"q_{q['id']}", "") for q in entry.get("questions", [])}
        form = {f["id"]: post.get(f"f_{f['id']}", "") for f in entry.get("fields", [])}
        remote = journey.forward(
            request.user,
            journey.Forwarding(
                partner=partner.code,
                package_id=entry["package"],
                name=post.get("name", ""),
                id_number=post.get("id_number", ""),
                phone=post.get("phone", ""),
                form=form,
                answers=answers,
                materials=_files(request, entry),
                collection=post.get("collection", "window"),
                joint_case=post.get("joint_case", ""),
            ),
        )
    except CaseError as refused:
        messages.error(request, refused.message)
        return redirect("exchange:home")
    messages.success(request, f"已收件并转办至{remote.partner.name}，转办期限 {remote.forward_due}")
    return redirect("exchange:case", ref=remote.ref)


def case(request: HttpRequest, ref) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login?next={request.path}")
    remote = remote_cases_visible_to(request.user).filter(ref=ref).select_related("partner").first()
    if remote is None:
        raise Http404("没有这件跨省通办件")
    person = remote.person
    shown = {
        "name": mask_name(person.get("name", "")),
        "id_number": mask_id_number(person.get("id_number", "")),
        "phone": mask_phone(person.get("phone", "")),
    }
    return render(
        request,
        "exchange/case.html",
        {
            "nav": "exchange",
            "remote": remote,
            "person": shown,
            "events": remote.events.all(),
            "certificate": json.dumps(remote.certificate or {}, ensure_ascii=False, indent=1),
            "may_hand_over": may_forward_cross_region(request.user),
            "local_case": _local_case_of(remote),
        },
    )


def _local_case_of(remote):
    """This node's own case: the partner's application handled here, or 多地联办's local
    part; None when there is none."""
    if not remote.local_case_id:
        return None
    from onething.cases.models import Case

    fields = ("number", "state", "public_id", "due_date")
    return Case.objects.filter(pk=remote.local_case_id).only(*fields).first()


@require_POST
def hand_over(request: HttpRequest, ref) -> HttpResponse:
    try:
        journey.hand_over(request.user, ref, request.POST.get("collection", ""))
        messages.success(request, "已送达申请人")
    except CaseError as refused:
        messages.error(request, refused.message)
    return redirect("exchange:case", ref=ref)


def _supervising(request: HttpRequest) -> None:
    if not may_watch_exchange(request.user):
        raise Http404("没有此页面")


@require_POST
def message_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """A supervisor retries or cancels a stuck outgoing message, or re-applies a failed
    incoming one."""
    _supervising(request)
    act = {"retry": outbox.retry_now, "cancel": outbox.cancel, "reapply": inbox.retry_failed}
    if action not in act:
        raise Http404("没有此操作")
    try:
        act[action](pk)
        messages.success(request, DONE[action])
    except CaseError as refused:
        messages.error(request, refused.message)
    return redirect("exchange:home")


@require_POST
def add_partner(request: HttpRequest) -> HttpResponse:
    """The administrator pastes or uploads a partner's identity document."""
    if not may_keep_partners(request.user):
        raise Http404("没有此页面")
    upload = request.FILES.get("file")
    text = upload.read(1024 * 1024).decode("utf-8", "replace") if upload else ""
    text = text or request.POST.get("document", "")
    try:
        try:
            document = json.loads(text)
        except ValueError:
            raise CaseError("节点信息不是有效的 JSON") from None
        partner, created = partners.add_partner(document, request.POST.get("url", ""))
        messages.success(request, f"已{'添加' if created else '更新'}合作节点 {partner.name}")
    except CaseError as refused:
        messages.error(request, refused.message)
    return redirect("exchange:home")


@require_POST
def toggle_partner(request: HttpRequest, code: str) -> HttpResponse:
    if not may_keep_partners(request.user):
        raise Http404("没有此页面")
    try:
        partner = partners.partner_by_code(code)
        partners.set_active(code, not partner.active)
    except CaseError as refused:
        messages.error(request, refused.message)
    return redirect("exchange:home")


@require_POST
def rotate(request: HttpRequest) -> HttpResponse:
    if not may_keep_partners(request.user):
        raise Http404("没有此页面")
    made = services.rotate_and_announce()
    messages.success(request, f"已生成新密钥 {'、'.join(made)}，旧密钥 30 天内仍有效")
    return redirect("exchange:home")

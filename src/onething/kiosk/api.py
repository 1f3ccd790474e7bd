"""The kiosk API under /api/v1: ``POST /kiosk/sign-in-codes`` — the logged-in applicant's
phone app asks for a one-time code to show as a QR code at a kiosk (201
``{"code", "expires_at"}``; staff 403). Signing in at the kiosk is the terminal's page."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from onething.accounts.auth import api_user
from onething.kiosk import services

router = Router(tags=["自助终端"])


class SignInCodeOut(Schema):
    code: str
    expires_at: datetime


@router.post(
    "/kiosk/sign-in-codes",
    response={201: SignInCodeOut},
    summary="A one-time code to sign in at a kiosk (在自助终端登录)",
)
def issue_sign_in_code(request: HttpRequest):
    code, issued = services.issue_sign_in_code(api_user(request))
    return Status(201, SignInCodeOut(code=code, expires_at=issued.expires_at))

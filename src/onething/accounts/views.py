"""Log-in (the password, then the second factor where one is needed), each role's start,
and the account's own page (账号安全): the password, the second factor, the API tokens."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login as auth_login, update_session_auth_hash, views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from onething.accounts import twofactor
from onething.accounts.forms import LoginForm, NewPasswordForm
from onething.accounts.models import ApiToken
from onething.accounts.navigation import start_page_for

TOKENS_SHOWN = 50


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        """The password is right: staff (and whoever enrolled a device) go on to the
        second factor, the page they asked for carried along."""
        auth_login(self.request, form.get_user())
        if twofactor.needed(self.request):
            query = urlencode({"next": self.get_success_url()})
            return HttpResponseRedirect(f"{reverse('accounts:second_factor')}?{query}")
        return HttpResponseRedirect(self.get_success_url())


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's starting page."""

    return redirect(start_page_for(request.user))


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """账号安全: the password, the second factor and the API tokens of the account."""
    user = request.user
    now = timezone.now()
    tokens = [
        {"token": token, "refusal": token.refusal(now)}
        for token in ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")[
            :TOKENS_SHOWN
        ]
    ]
    context = {
        "nav": "account",
        "device": twofactor.confirmed_device(user),
        "required": twofactor.required_for(user),
        "tokens": tokens,
    }
    return render(request, "accounts/security.html", context)


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """A new password: this session stays, every other one ends (Django's session hash
    follows the password) and every API token is revoked (User.save)."""
    form = NewPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, "密码已修改。其他设备上的登录已全部退出，API 令牌已全部作废。")
        return redirect("accounts:security")
    context = {"form": form, "nav": "account"}
    return render(request, "accounts/password.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the account's own API tokens."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if token.revoked_at is None:
        token.revoke()
        messages.success(request, f"已撤销令牌“{token.name}”，它不能再访问 API。")
    return redirect("accounts:security")

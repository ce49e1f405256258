"""Sign up, sign in (throttled), sign out, password reset (throttled, same answer and timing
whether or not the address is known); password change uses Django's views."""

from __future__ import annotations

import threading

from django import forms
from django.contrib.auth import login
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm
from django.contrib.auth.views import LoginView, PasswordResetView
from django.db import connections
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsloom.web.client_address import client_ip
from newsloom.web.ratelimit import hit
from newsloom.web.signin_throttle import ThrottledAuthenticationForm, normalized, remember

SIGNUPS_PER_HOUR = 5
RESETS_PER_ADDRESS_HOURLY = 5
RESETS_PER_EMAIL_HOURLY = 3


def safe_next(request: HttpRequest, fallback: str = "/") -> str:
    """The `next` parameter when it points into this site, else `fallback`: a link to
    /accounts/signup/?next=https://evil.example/ must not send a new reader elsewhere."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


class ThrottledLoginView(LoginView):
    """Django's login with the sign-in throttle; 429 when refused."""

    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form: ThrottledAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response

    def form_valid(self, form: ThrottledAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        remember(self.request, response, normalized(form.cleaned_data.get("username")))
        return response


class SignupForm(UserCreationForm):
    """User name, an optional email (needed only for password resets) and a password that
    passes the configured validators."""

    email = forms.EmailField(required=False, label=gettext_lazy("Email (optional)"),
                             help_text=gettext_lazy("Only to reset a forgotten password."))

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


def signup(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not hit(f"signup:{client_ip(request)}", SIGNUPS_PER_HOUR, 3600):
            return render(request, "registration/signup.html", {
                "form": SignupForm(),
                "refusal": _("Too many sign-ups from this address. Try again later."),
            }, status=429)
        form = SignupForm(request.POST)
        if form.is_valid():
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return HttpResponseRedirect(safe_next(request))
    else:
        form = SignupForm()
    return render(request, "registration/signup.html", {"form": form})


def _send_in_background(form: PasswordResetForm, options: dict[str, object]) -> None:
    """Look the address up and mail the link off the request path: how long the answer takes
    must not say whether an account has this address (a lookup and an SMTP conversation are
    easy to time)."""
    def send() -> None:
        try:
            form.save(**options)  # type: ignore[arg-type]
        finally:
            connections.close_all()
    threading.Thread(target=send, name="password-reset-mail", daemon=True).start()


class ThrottledPasswordResetView(PasswordResetView):
    """Password reset: limited per address and per email, answered before any lookup."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = normalized(form.cleaned_data["email"])
        if not (hit(f"reset-ip:{client_ip(self.request)}", RESETS_PER_ADDRESS_HOURLY, 3600)
                and hit(f"reset-email:{email}", RESETS_PER_EMAIL_HOURLY, 3600)):
            return render(self.request, self.template_name, {
                "form": form,
                "refusal": _("Too many reset requests. Try again in an hour."),
            }, status=429)
        _send_in_background(form, {
            "use_https": self.request.is_secure(),
            "token_generator": self.token_generator,
            "from_email": self.from_email,
            "email_template_name": self.email_template_name,
            "subject_template_name": self.subject_template_name,
            "request": self.request,
            "html_email_template_name": self.html_email_template_name,
            "extra_email_context": self.extra_email_context,
        })
        return HttpResponseRedirect(self.get_success_url())

"""Sign up, sign in (throttled), sign out; password change and reset use Django's views."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from newsloom.web.ratelimit import blocked, hit

LOGIN_FAILURES = 5      # per 15 minutes, per address and per user name
LOGIN_WINDOW = 15 * 60
SIGNUPS_PER_HOUR = 5


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


class ThrottledLoginView(LoginView):
    """Django's login, refusing further attempts after repeated failures."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        username = (request.POST.get("username") or "").strip().lower()
        keys = [f"login-ip:{client_ip(request)}", f"login-user:{username}"]
        if any(blocked(key, LOGIN_FAILURES, LOGIN_WINDOW) for key in keys):
            return render(request, "registration/login.html", {
                "form": AuthenticationForm(request),
                "refusal": _("Too many failed sign-in attempts. Try again in 15 minutes."),
            }, status=429)
        response = super().post(request, *args, **kwargs)
        if not request.user.is_authenticated:
            for key in keys:
                hit(key, LOGIN_FAILURES, LOGIN_WINDOW)
        return response


def signup(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not hit(f"signup:{client_ip(request)}", SIGNUPS_PER_HOUR, 3600):
            return render(request, "registration/signup.html", {
                "form": UserCreationForm(),
                "refusal": _("Too many sign-ups from this address. Try again later."),
            }, status=429)
        form = UserCreationForm(request.POST)
        if form.is_valid():
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(request.POST.get("next") or "home")
    else:
        form = UserCreationForm()
    return render(request, "registration/signup.html", {"form": form})

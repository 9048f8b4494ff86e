"""Sign-up, and log-in with rate limits; log-out is django.contrib.auth's own view."""

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from articles.accounts.forms import LoginForm, SignupForm


class LoginView(auth_views.LoginView):
    """django.contrib.auth's login with the site's form: rate-limited, answering 429 when over."""

    form_class = LoginForm

    def form_invalid(self, form):
        status = 429 if form.has_error(NON_FIELD_ERRORS, "rate_limited") else 200
        return self.render_to_response(self.get_context_data(form=form), status=status)


@require_http_methods(["GET", "POST"])
def signup(request):
    """Create an account, sign it in, and go back where the reader came from."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(next_url or "home")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "registration/signup.html", {"form": form, "next": next_url}, status=status
    )

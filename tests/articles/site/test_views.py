"""Error pages tell the reader what happened, in the site's layout."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import include, path, reverse

pytestmark = pytest.mark.django_db


def forbidden(request):
    raise PermissionDenied("Only its author can edit a comment.")


urlpatterns = [path("forbidden/", forbidden), path("", include("forum.urls"))]


def test_an_unknown_address_says_so_without_resolver_details(client):
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "There is no page at this address." in html
    assert "Resolver404" not in html and "tried" not in html


def test_a_missing_object_gives_the_reason(client):
    response = client.get(reverse("comment_detail", args=[424242]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is no comment at this address" in html
    assert "matching the query" not in html


@override_settings(ROOT_URLCONF=__name__)
def test_a_refusal_says_why(client):
    response = client.get("/forbidden/")
    assert response.status_code == 403
    assert "Only its author can edit a comment." in response.content.decode()


def test_a_form_without_csrf_token_says_what_to_do(user):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))  # has the cookie, not the token
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "The form was too old, did not come from this site" in response.content.decode()

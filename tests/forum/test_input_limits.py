"""Too large or malformed requests get a 4xx that says why, never a 500, and change nothing."""

import importlib
import pkgutil
import re

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse

import articles
from articles.accounts.forms import AdminLoginForm, LoginForm, SignupForm
from articles.models import Comment
from articles.posting.forms import CommentForm

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


# Every feature package's forms module, including ones added later.
FORM_MODULES = [
    importlib.import_module(f"articles.{package.name}.forms")
    for package in pkgutil.iter_modules(articles.__path__)
    if package.ispkg and importlib.util.find_spec(f"articles.{package.name}.forms")
]
# Every form the site defines, including ones added later.
SITE_FORMS = [
    form
    for module in FORM_MODULES
    for form in vars(module).values()
    if isinstance(form, type)
    and issubclass(form, forms.BaseForm)
    and form.__module__ == module.__name__
]


def fields_of(form_class):
    try:
        return form_class().fields  # limits may be set in __init__
    except TypeError:  # a form that needs arguments: its declared fields
        return form_class.base_fields


@pytest.mark.parametrize("form_class", SITE_FORMS, ids=lambda form: form.__name__)
def test_every_form_field_has_a_maximum(form_class):
    unbounded = [
        name
        for name, field in fields_of(form_class).items()
        if (isinstance(field, forms.CharField) and field.max_length is None)
        or (isinstance(field, forms.IntegerField) and field.max_value is None)
    ]
    assert unbounded == []


def test_the_site_forms_are_found():
    assert {CommentForm, SignupForm, LoginForm, AdminLoginForm} <= set(SITE_FORMS)


@pytest.fixture
def post_url(article):
    return reverse("comment_create", args=[article.slug])


def assert_refused(response, status, reason):
    assert response.status_code == status
    assert reason in response.content.decode()
    assert not Comment.objects.filter(body__contains="sneaky").exists()


def test_a_body_over_the_limit_is_413_with_the_limit(signed_in, post_url):
    body = b"body=sneaky" + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = signed_in.post(post_url, body, content_type=FORM)
    assert_refused(response, 413, "larger than this site accepts (256 KB)")


def test_the_longest_comment_in_the_worst_encoding_still_fits(signed_in, post_url):
    body = "😀" * settings.COMMENT_MAX_LENGTH  # 4 bytes each, 12 once percent-encoded
    response = signed_in.post(post_url, {"body": body})
    assert response.status_code == 302
    assert Comment.objects.get().body == body


def test_too_many_fields_is_400(signed_in, post_url):
    body = "&".join(f"f{i}=sneaky" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = signed_in.post(post_url, body, content_type=FORM)
    assert_refused(response, 400, "more fields than this site accepts")


def test_file_uploads_are_refused(signed_in, post_url):
    boundary = "XyZ"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="body"\r\n\r\nsneaky\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n"
    )
    response = signed_in.post(
        post_url, body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert_refused(response, 400, "does not accept file uploads")


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=x"],
)
def test_malformed_multipart_is_400(signed_in, post_url, content_type):
    response = signed_in.post(post_url, b"--x\r\nbody=sneaky", content_type=content_type)
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_a_form_that_is_not_utf8_is_400_and_stores_nothing(signed_in, post_url):
    response = signed_in.post(post_url, b"body=sneaky%FF%FE", content_type=FORM)
    assert_refused(response, 400, "not valid UTF-8")


def test_a_multipart_form_that_is_not_utf8_is_400_and_stores_nothing(signed_in, post_url):
    boundary = "XyZ"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="body"\r\n\r\n'.encode()
        + "café latin-1".encode("latin-1")
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = signed_in.generic(
        "POST", post_url, body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert_refused(response, 400, "not valid UTF-8")


def test_a_form_in_another_charset_is_400(signed_in, post_url):
    response = signed_in.post(
        post_url, b"body=sneaky+caf%E9", content_type=f"{FORM}; charset=iso-8859-1"
    )
    assert_refused(response, 400, "not valid UTF-8")


def test_an_unknown_charset_falls_back_to_utf8_checks(signed_in, post_url):
    # generic() sends the bytes as they are; post() would try to encode them in that charset.
    response = signed_in.generic(
        "POST", post_url, b"body=sneaky%FF", content_type=f"{FORM}; charset=no-such-charset"
    )
    assert_refused(response, 400, "not valid UTF-8")


@pytest.mark.parametrize("parent", ["abc", "1.5", "99999999999999999999999", "-1", "0", "1e3"])
def test_a_malformed_parent_is_a_form_error(signed_in, post_url, parent):
    response = signed_in.post(post_url, {"parent": parent, "body": "sneaky"})
    assert_refused(response, 400, "The comment you replied to does not exist.")


@pytest.mark.parametrize("page", ["99999999999999999999999", "abc", "-1", "0", "1e9", "%00"])
def test_absurd_page_numbers_are_404_with_a_reason(client, page):
    response = client.get(f"/?page={page}")
    assert response.status_code == 404
    assert re.search(r"Invalid page|Page is not “last”", response.content.decode())


@pytest.mark.parametrize(
    "path",
    ["/comments/99999999999999999999999/", "/comments/99999999999999999999999/reply/"],
)
def test_ids_beyond_any_integer_are_404(signed_in, path):
    assert signed_in.get(path).status_code == 404


def test_urls_that_are_not_utf8_are_404(client, db):
    response = client.get("/articles/%FF%FE/")
    assert response.status_code == 404


def test_an_overlong_password_is_refused_before_hashing(client, db):
    response = client.post(
        reverse("signup"),
        {"username": "mallory", "password1": "p" * 5000, "password2": "p" * 5000},
    )
    assert response.status_code == 400
    assert "at most 1024 characters" in response.content.decode()
    response = client.post(reverse("login"), {"username": "mallory", "password": "p" * 5000})
    assert "at most 1024 characters" in response.content.decode()

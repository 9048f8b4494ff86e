"""Accounts made before e-mail keep working: the migration gives each a profile and hands any
address it had to allauth, unverified."""

import importlib

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from articles.models import Profile
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

migration = importlib.import_module("articles.migrations.0012_accounts")


def test_existing_accounts_get_profiles_and_their_addresses_and_still_log_in(client):
    users = get_user_model().objects
    old = users.create_user("Old\uff34imer", password=PASSWORD)  # full-width T, from before NFKC
    with_address = users.create_user("mailer", email="Mailer@Example.com", password=PASSWORD)
    Profile.objects.all().delete()
    EmailAddress.objects.all().delete()
    # The models as the schema has them now (later migrations changed the profile's columns):
    # the function only uses fields that 0012 made.
    loader = MigrationExecutor(connection).loader
    latest = next(node for node in loader.graph.leaf_nodes() if node[0] == "articles")
    state = loader.project_state(latest)

    migration._profiles_and_addresses(state.apps, None)

    assert Profile.objects.get(user=old).username_key == "oldtimer"
    address = EmailAddress.objects.get(user=with_address)
    assert (address.email, address.verified, address.primary) == ("mailer@example.com", False, True)
    response = client.post(reverse("login"), {"login": "mailer", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"

    migration._no_profiles(state.apps, None)
    assert not Profile.objects.exists()

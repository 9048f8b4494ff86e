from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.permissions import can_moderate
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trees_stay_valid")]


def refreshed(user):
    # A fresh object: permissions are cached on the one we had.
    return type(user).objects.get(pk=user.pk)


def test_grant_and_revoke_the_moderator_role(capsys):
    user = make_user(username="mod")
    call_command("grant_moderator", "mod")
    assert "mod is now a moderator" in capsys.readouterr().out
    user = refreshed(user)
    assert can_moderate(user) and user.is_staff

    call_command("grant_moderator", "mod", "--revoke")
    assert "no longer a moderator" in capsys.readouterr().out
    user = refreshed(user)
    assert not can_moderate(user) and not user.is_staff


def test_revoking_keeps_a_superusers_admin_access():
    admin = make_user(username="root", is_superuser=True, is_staff=True)
    call_command("grant_moderator", "root", "--revoke")
    assert refreshed(admin).is_staff


def test_unknown_user_is_an_error(db):
    with pytest.raises(CommandError, match="No user is called 'ghost'"):
        call_command("grant_moderator", "ghost")


def test_revoking_one_role_keeps_the_admin_site_for_another():
    user = make_user(username="both", password=None)
    call_command("grant_moderator", "both", stdout=StringIO())
    call_command("grant_editor", "both", stdout=StringIO())
    out = StringIO()
    call_command("grant_moderator", "both", "--revoke", stdout=out)
    assert out.getvalue() == "both is no longer a moderator.\n"
    assert refreshed(user).is_staff  # still an editor

"""Reading the site's mail in browser tests: the live server's mail lands in Django's outbox."""

import re
import time

from django.core import mail


def mailed_link(address: str, path: str, timeout: float = 10.0) -> str:
    """The first link containing ``path`` in mail sent to ``address``, waiting for it to come."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in reversed(mail.outbox):
            if address in message.to:
                found = re.search(rf"https?://[^\s\"]*{re.escape(path)}[^\s\"]*", message.body)
                if found:
                    return found[0]
        time.sleep(0.1)
    raise AssertionError(f"No mail to {address} with a link to {path}")


def follow_mailed_link(page, address: str, path: str) -> None:
    """Open, in ``page``, the link to ``path`` mailed to ``address``."""
    page.goto(mailed_link(address, path))

"""Every URL pattern of the site, with its parameters filled in and its view classified.

The walker reads the URLconf itself, so a view added later (moderation, reports, ...) is found
and checked without anyone remembering to list it. A view's HTTP methods are read from the view:
``require_GET``/``require_POST``/``require_http_methods`` on function views, the handler methods on
class-based views. A view that accepts any method cannot be classified, which the tests report.
"""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

SAFE_METHODS = frozenset({"GET", "HEAD"})
_HANDLERS = ("get", "post", "put", "patch", "delete")
_ROUTE_PARAMETER = re.compile(r"<(?:[^>:]+:)?([^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^()]*\)")


@dataclass(frozen=True)
class Endpoint:
    name: str  # "namespace:name", or the route when the pattern has no name
    route: str
    url: str
    view: object
    methods: frozenset[str] | None  # None: the view accepts any method

    @property
    def admin(self) -> bool:
        return self.name.startswith("admin:")

    @property
    def kind(self) -> str:
        """ "read", "write" (POST only), "form" (GET shows it, POST changes data) or "any"."""
        if self.methods is None:
            return "any"
        if self.methods <= SAFE_METHODS:
            return "read"
        return "form" if "GET" in self.methods else "write"


def allowed_methods(view) -> frozenset[str] | None:
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return frozenset(
            m.upper()
            for m in _HANDLERS
            if m in view_class.http_method_names and hasattr(view_class, m)
        )
    function = view
    while function is not None:
        code = getattr(function, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = function.__closure__[code.co_freevars.index("request_method_list")]
            return frozenset(cell.cell_contents)
        function = getattr(function, "__wrapped__", None)
    return None


def endpoints(values: dict[str, str], urlconf=None) -> list[Endpoint]:
    """Every reachable pattern with its parameters taken from ``values`` (by parameter name).

    Patterns shadowed by an earlier one with the same URL are left out: they never answer.
    A parameter missing from ``values`` raises KeyError naming it.
    """
    found = []
    for parts, namespace, pattern in _walk(get_resolver(urlconf).url_patterns, [], None):
        url = "/" + "".join(_fill(part, values) for part in [*parts, pattern.pattern])
        if resolve(url, urlconf).func is not pattern.callback:
            continue
        route = "".join(str(part) for part in [*parts, pattern.pattern])
        name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        found.append(
            Endpoint(
                name=name or route,
                route=route,
                url=url,
                view=pattern.callback,
                methods=allowed_methods(pattern.callback),
            )
        )
    return found


def _walk(patterns, parts, namespace):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            yield from _walk(pattern.url_patterns, [*parts, pattern.pattern], inner)
        elif isinstance(pattern, URLPattern):
            yield parts, namespace, pattern


def _fill(pattern, values) -> str:
    if isinstance(pattern, RoutePattern):
        return _ROUTE_PARAMETER.sub(lambda m: str(values[m[1]]), str(pattern))
    assert isinstance(pattern, RegexPattern), pattern
    text = _REGEX_GROUP.sub(lambda m: str(values[m[1]]), pattern.regex.pattern)
    return text.removeprefix("^").removesuffix("$").replace("\\", "")

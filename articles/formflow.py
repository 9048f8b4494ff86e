"""The step every write view shares: a valid form's data goes to a service, and a refusal comes
back onto the form, so the page can be shown again (400) with the reason beside its field."""

from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import render


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where it names one."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def submit(form, service, /, **arguments) -> tuple[bool, Any]:
    """Call ``service(**arguments)`` for a valid ``form``: ``(True, its result)``, or
    ``(False, None)`` with the service's reasons added to the form."""
    try:
        return True, service(**arguments)
    except ValidationError as error:
        add_service_errors(form, error)
        return False, None


def form_page(request, template: str, context: dict):
    """A form's page: 200 when asked for (GET), 400 when a sent form was refused (POST), its
    errors beside their fields."""
    status = 400 if request.method == "POST" else 200
    return render(request, template, context, status=status)

"""How the matrix sends a request as a role and reads the answer: an allowance or a refusal."""

import json
from datetime import date, datetime

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from .roles import ANONYMOUS

SAFE = ("GET", "HEAD", "OPTIONS")
REFUSALS = (401, 403, 404)


def client_for(world, role: str) -> Client:
    """A client signed in as the role's person (the session made once, in the world), which
    raises nothing: a server error is an answer the test reports."""
    client = Client(raise_request_exception=False)
    if role != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def is_sign_in_redirect(response) -> bool:
    """Sent to sign in first (`login_required`, the admin's own check): the address to come
    back to goes with it. A page that simply moves on to the sign-in page (a link confirmed
    while signed out) is not a refusal."""
    if response.status_code not in (301, 302, 303):
        return False
    location = response.headers.get("Location", "")
    signing_in = location.startswith((reverse("accounts:login"), reverse("admin:login")))
    return signing_in and "next=" in location


def verdict(response, method: str, refused_by_action: bool = False) -> str:
    """ "deny" for a refusal (a redirect to sign in, 401, 403 or 404; or, for a change, the
    action's own refusal, `levelfield.core.errors.PermissionDenied`, which a page with only a
    button shows as a message on the page it redirects to), "error" for a server error or, for
    a read, anything but a page or a redirect elsewhere; else "allow"."""
    status = response.status_code
    if status in REFUSALS or is_sign_in_redirect(response):
        return "deny"
    if refused_by_action and method not in SAFE and status < 500:
        return "deny"
    if status >= 500:
        return "error"
    if method in SAFE and not 200 <= status < 400:
        return "error"
    return "allow"


def describe(response) -> str:
    text = f"{response.status_code}"
    if "Location" in response.headers:
        text += f" -> {response.headers['Location']}"
    elif response.status_code >= 400 and response.get("Content-Type", "").startswith(
        "application/json"
    ):
        text += f" {response.content[:200]!r}"
    return text


# --- API bodies from the OpenAPI document -------------------------------------------------


def _resolve(schema: dict, document: dict) -> dict:
    while "$ref" in schema:
        path = schema["$ref"].lstrip("#/").split("/")
        found = document
        for part in path:
            found = found[part]
        schema = found
    return schema


# In a choice of types, the one most likely to pass: a decimal is documented as a number or a
# string of a pattern, and "x" is not a decimal.
PREFERRED = {"number": 0, "integer": 1, "boolean": 2, "object": 3, "array": 4, "string": 5}


def example(schema: dict, document: dict, depth: int = 0, hints: dict | None = None):
    """A value the schema accepts, made of its required parts only: enough to pass ninja's
    validation, so that what answers is the operation's own check. A property named like one
    of `hints` (the scene's objects: ``question_id``) takes its value."""
    hints = hints or {}
    schema = _resolve(schema, document)
    if depth > 8:
        return None
    for key in ("anyOf", "oneOf"):
        if key in schema:
            choices = [c for c in schema[key] if _resolve(c, document).get("type") != "null"]
            choices.sort(key=lambda c: PREFERRED.get(_resolve(c, document).get("type"), 9))
            return example(choices[0], document, depth + 1, hints) if choices else None
    if "allOf" in schema:
        return example(schema["allOf"][0], document, depth + 1, hints)
    if "default" in schema:
        return schema["default"]
    if schema.get("examples"):
        return schema["examples"][0]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {
            name: hints[name]
            if name in hints
            else example(properties[name], document, depth + 1, hints)
            for name in schema.get("required", [])
            if name in properties
        }
    if kind == "array":
        count = schema.get("minItems", 0)
        items = schema.get("items", {})
        return [example(items, document, depth + 1, hints) for _ in range(count)]
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return max(schema.get("minimum", 1), 1)
    if kind == "boolean":
        return False
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            return date.today().isoformat()
        if fmt == "date-time":
            return datetime.now().astimezone().isoformat()
        if fmt == "email":
            return "someone@example.org"
        if fmt == "binary":
            return "binary"
        if "[0-9]" in schema.get("pattern", ""):  # a decimal as a string, say
            return "1"
        return "x" * max(schema.get("minLength", 1), 1)
    return None


def api_call(
    client: Client, world, operation, params: dict, role: str, document: dict, hints: dict
):
    """Send the operation with its path filled from `params`, its required query parameters
    and a body its request schema accepts (ids named like the scene's objects taken from
    `hints`), as the role (a bearer token; none for anonymous)."""
    path = operation.path.format(**params)
    params = {**hints, **params}
    headers = {}
    if role != ANONYMOUS:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[role]}"
    query = {}
    for parameter in operation.operation.get("parameters", []):
        if parameter.get("in") == "query" and parameter.get("required"):
            query[parameter["name"]] = example(parameter.get("schema", {}), document, hints=params)
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    method = operation.method
    if method in SAFE:
        return client.generic(method, path, **headers)
    content = operation.operation.get("requestBody", {}).get("content", {})
    if "multipart/form-data" in content:
        schema = _resolve(content["multipart/form-data"]["schema"], document)
        data = {}
        for name, part in schema.get("properties", {}).items():
            part = _resolve(part, document)
            if part.get("format") == "binary":
                data[name] = SimpleUploadedFile("a.pdf", b"%PDF-1.4 a", "application/pdf")
            elif name in schema.get("required", []):
                value = example(part, document, hints=params)
                data[name] = json.dumps(value) if isinstance(value, dict | list) else value
        return client.generic(
            method, path, _multipart(client, data), content_type=_MULTIPART, **headers
        )
    body = {}
    if "application/json" in content:
        body = example(content["application/json"]["schema"], document, hints=params)
    return client.generic(
        method, path, json.dumps(body), content_type="application/json", **headers
    )


_MULTIPART = "multipart/form-data; boundary=BoUnDaRyStRiNg"


def _multipart(client: Client, data: dict) -> bytes:
    from django.test.client import encode_multipart

    return encode_multipart("BoUnDaRyStRiNg", data)

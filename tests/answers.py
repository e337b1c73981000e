"""What the platform answers, as JSON on stdout, for tests that compare two databases (the backup
drill): `python -m tests.answers EMAIL PATH...` (DATABASE_URL in the environment) prints the audit
trail's head hash, then each path's status and body: the public ones as anyone, the others
signed in as EMAIL. What differs at every request is left out: the form tokens of pages and the
publishedDate of OCDS packages (the moment the package is made)."""

import json
import os
import re
import sys


def main(email: str, public: list[str], private: list[str]) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "levelfield.settings")
    import django

    django.setup()
    from django.test import Client

    from levelfield.accounts.models import User
    from levelfield.core.models import AuditEvent

    # read before signing in: a sign-in is audited, and adds to the chain
    head = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    answers = {"audit head": head, "audit events": AuditEvent.objects.count()}
    anyone, signed_in = Client(), Client()
    signed_in.force_login(User.objects.get(email=email))
    for client, paths in ((anyone, public), (signed_in, private)):
        for path in paths:
            response = client.get(path)
            body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.text)
            if response["Content-Type"].startswith("application/json"):
                body = json.loads(body)
                if isinstance(body, dict):
                    body.pop("publishedDate", None)
            answers[path] = [response.status_code, body]
    return answers


if __name__ == "__main__":
    email, *paths = sys.argv[1:]
    public = [p for p in paths if not p.startswith("private:")]
    private = [p.removeprefix("private:") for p in paths if p.startswith("private:")]
    print(json.dumps(main(email, public, private)))

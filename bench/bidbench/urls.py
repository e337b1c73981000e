"""The product's URLs plus the bare view the bid submissions are compared with: a POST of the
same JSON a bid's save sends, read, checked for its fields and stored as one row through the ORM,
answered with JSON. It passes through the same middleware on the same gunicorn servers (no
authentication, no rules, no sealing, no audit)."""

from decimal import Decimal, InvalidOperation

import orjson
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from levelfield.urls import urlpatterns as product_urlpatterns

from .models import BareBid


@csrf_exempt
@require_POST
def bare_insert(request):
    try:
        body = orjson.loads(request.body)
        row = BareBid.objects.create(
            client=int(body["client"]),
            number=int(body["number"]),
            price=Decimal(body["price"]),
            answers=body["answers"],
            received_at=timezone.now(),
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, InvalidOperation):
        return JsonResponse({"code": "validation_error"}, status=422)
    return JsonResponse({"id": row.pk, "received_at": row.received_at.isoformat()})


urlpatterns = [path("bench/bare/", bare_insert), *product_urlpatterns]

"""The web endpoints: a health check, a page with a static file, and a small JSON order API."""

import json
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .models import Order
from .tasks import send_order_confirmation


def healthz(request):
    """The probes' URL: answers from the process alone, never the database or the cache,
    so a store blip does not restart every web pod."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def index(request):
    return render(request, "shop/index.html", {"environment": settings.ENVIRONMENT})


@csrf_exempt  # a JSON API without cookies: CSRF protects cookie-authenticated forms
@require_POST
def create_order(request):
    """POST {"email": ...}: store the order, then queue its confirmation (queue "emails")."""
    try:
        email = json.loads(request.body)["email"]
        validate_email(email)
    except (ValueError, KeyError, TypeError, ValidationError):
        return JsonResponse({"error": 'expected a JSON body {"email": "<address>"}'}, status=400)
    order = Order.objects.create(email=email)
    # After the commit, so the worker always finds the row (a no-op wait outside a transaction).
    transaction.on_commit(partial(send_order_confirmation.delay, order.pk))
    url = request.build_absolute_uri(reverse("order", args=[order.pk]))  # https behind the load balancer
    return JsonResponse({"id": order.pk, "url": url}, status=201)


@require_GET
def order_detail(request, pk):
    order = get_object_or_404(Order, pk=pk)
    confirmed_at = order.confirmed_at.isoformat() if order.confirmed_at else None
    return JsonResponse({"id": order.pk, "confirmed": confirmed_at is not None, "confirmed_at": confirmed_at})

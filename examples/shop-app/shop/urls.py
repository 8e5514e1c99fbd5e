from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("healthz/", views.healthz, name="healthz"),
    path("orders/", views.create_order, name="orders"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
]

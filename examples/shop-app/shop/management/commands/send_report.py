"""`send_report [--weekly]`: the weekly-report CronJob's command. Prints one line and exits 0."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Count, Q
from django.utils import timezone

from shop.models import Order


class Command(BaseCommand):
    help = "Print one line counting the orders: all, confirmed, and placed in the last day (or week)."

    def add_arguments(self, parser):
        parser.add_argument("--weekly", action="store_true", help="count the last 7 days instead of the last day")

    def handle(self, *args, weekly=False, **options):
        days = 7 if weekly else 1
        counts = Order.objects.aggregate(
            total=Count("id"),
            confirmed=Count("id", filter=Q(confirmed_at__isnull=False)),
            recent=Count("id", filter=Q(created_at__gte=timezone.now() - timedelta(days=days))),
        )
        self.stdout.write(
            f"orders: {counts['total']} in all, {counts['confirmed']} confirmed, {counts['recent']} in the last {days} day(s)"
        )

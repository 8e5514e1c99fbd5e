"""Django's `shell`, except that `shell -c "..."` (and code piped in) prints only what the code
prints: Django 5.2 announces its automatic model imports on stdout, which would pollute the
output of `kubectl exec shop-shell-0 -- python -m django shell -c "..."` read by a script."""

import sys

from django.core.management.commands import shell


class Command(shell.Command):
    def get_namespace(self, **options):
        if options.get("command") or not sys.stdin.isatty():
            options = {**options, "verbosity": 0}
        return super().get_namespace(**options)

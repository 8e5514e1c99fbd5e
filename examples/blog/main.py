"""Another team's app, in its own repository: two queues, a cron job, a sidecar, an extra config file."""

from cdk8s_django import App, DjangoApp, DjangoChart, Environment, Worker
from cdk8s_django.patches import add_sidecar

LOGGING_INI = """\
[loggers]
keys = root
"""

blog = DjangoApp(
    name="blog",
    image="registry.example.com/blog:3.2.0",
    settings_module="blog.settings",
    workers=(Worker(name="worker-feeds", queues=("feeds",)), Worker(name="worker-mail", queues=("mail",), concurrency=2)),
    cron={"publish-scheduled": "*/5 * * * *"},
    config_files={"logging.ini": LOGGING_INI},
)

app = App()
chart = DjangoChart(app, "staging", django_app=blog, environment=Environment.staging("staging"))
add_sidecar(chart.web.deployment, {
    "name": "statsd-exporter",
    "image": "prom/statsd-exporter:v0.26.1",
    "args": ["--statsd.listen-udp=:9125"],
    "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}},
})
app.synth()

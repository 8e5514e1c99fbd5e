"""gunicorn reads ./gunicorn.conf.py from its working directory (the image's WORKDIR) by
default, so the manifest's command line needs no flag for it; its flags win over this file.

With METRICS_PORT set (production, monitoring on), the master serves Prometheus metrics
there, started once in when_ready: workers are replaced, the master stays. They are the
master's metrics (its process and the number of live workers); per-request metrics would
need prometheus-client's multiprocess mode.
"""

# No control socket (gunicorn 25.1+): nobody runs gunicornc in a pod, its default place under
# $HOME may be read-only, and two gunicorns sharing one $HOME would fight over it.
control_socket_disable = True


def when_ready(server):
    from django.conf import settings

    if settings.METRICS_PORT:
        from prometheus_client import Gauge, start_http_server

        Gauge("gunicorn_workers", "Live gunicorn worker processes").set_function(lambda: len(server.WORKERS))
        start_http_server(settings.METRICS_PORT)
        server.log.info("Prometheus metrics on port %s", settings.METRICS_PORT)

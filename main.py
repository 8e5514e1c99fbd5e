"""The example app: one production and two staging environments of "shop".

CI pins the image per environment without editing code: SHOP_IMAGE (all
environments) or SHOP_IMAGE_<ENV> (one, e.g. SHOP_IMAGE_PRODUCTION) override
the default below. See the README's "Releases and rollbacks".
"""

import os
from dataclasses import replace
from datetime import datetime

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from cdk8s import Chart
from cdk8s_django import (
    AcmCertificate,
    App,
    ArgoCdApplications,
    ArgoCdPreviews,
    AwsSecretsManager,
    AwsSecretStore,
    ConfigError,
    CronTask,
    DjangoApp,
    DjangoChart,
    Environment,
    IngressOptions,
    Managed,
    NamespaceFence,
    NetworkAccess,
    NewRelic,
    NginxStatic,
    PreviewReaperAccess,
    QueueAutoscaling,
    SecretKeyRef,
    SeedData,
    Worker,
    mark_for_argo_cd,
)
from cdk8s_django.stores import Memcached, RabbitMQ

NEWRELIC_INI = """\
[newrelic]
app_name = shop
monitor_mode = true
log_level = info
"""


def image_for(environment: str, default: str) -> str:
    variable = f"SHOP_IMAGE_{environment.upper().replace('-', '_')}"  # a shell variable: no '-'
    return os.environ.get(variable) or os.environ.get("SHOP_IMAGE") or default


shop = DjangoApp(
    name="shop",
    image="registry.example.com/shop:1.4.2",
    settings_module="shop.settings",
    workers=(
        Worker(name="worker", queues=("default",), metrics_port=9808),
        Worker(name="worker-emails", queues=("emails",), concurrency=2),
    ),
    cron={
        "clearsessions": "0 3 * * *",
        "weekly-report": CronTask("0 6 * * 1", command=("send_report", "--weekly"), time_zone="Europe/Dublin"),
    },
    secrets=("shop-django",),
    newrelic=NewRelic(license_key=SecretKeyRef("shop-newrelic", "license_key"), ini=NEWRELIC_INI),
    celery_heartbeat=True,
)

# The ALBs' public subnets: with IP targets, web accepts traffic from these ranges only.
STAGING_NETWORK = NetworkAccess(load_balancer_cidrs=("10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"))

STAGING_INGRESS = IngressOptions(
    class_name="alb",
    tls=AcmCertificate("arn:aws:acm:eu-west-1:123456789012:certificate/staging-wildcard"),
    group_name="shop-staging",
)

environments = [
    Environment.staging("qa", hosts=("qa.staging.shop.example.com",), ingress=STAGING_INGRESS, network=STAGING_NETWORK),
    # demo idles most of the time: KEDA scales its workers to zero on empty queues. It runs the other
    # stack teams choose: RabbitMQ as the broker, Memcached as the cache, nginx in the web pod for static files.
    Environment.staging(
        "demo", hosts=("demo.staging.shop.example.com",), ingress=STAGING_INGRESS, network=STAGING_NETWORK,
        worker_autoscaling=QueueAutoscaling(min_replicas=0, max_replicas=2),
        broker=RabbitMQ(), cache=Memcached(), static=NginxStatic(),
    ),
    Environment.production(
        hosts=("shop.example.com", "www.shop.example.com"),
        ingress=IngressOptions(
            class_name="alb",
            tls=AcmCertificate("arn:aws:acm:eu-west-1:123456789012:certificate/production"),
        ),
        postgres=Managed("shop.abc123.eu-west-1.rds.amazonaws.com"),
        cache=Managed("shop-cache.abc123.euw1.cache.amazonaws.com"),
        broker=Managed("shop-broker.abc123.euw1.cache.amazonaws.com"),
        media_bucket="shop-media-production",
        static_url="https://static.shop.example.com/static/",
        max_connections=400,
        network=NetworkAccess(load_balancer_cidrs=("10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24")),
        monitoring=True,
        iam_role_arn="arn:aws:iam::123456789012:role/shop-production-app",
        shell_operators="shop-operators",
        aws_secrets=AwsSecretsManager(),
        deletion_protection=True,
    ),
]



PREVIEW_DOMAIN = "preview.shop.example.com"
# The repository Argo CD syncs dist/ from (and, on the branch "previews", CI's rendered previews).
GITOPS_REPO = "https://git.example.com/platform/shop-deploy.git"


def selected_environments() -> list[Environment]:
    """The committed environments; or, with PREVIEW_BRANCH set (CI), that branch's preview alone;
    ONLY_ENVIRONMENT=<name> keeps one (`make synth ENV=<name>`)."""
    selected = list(environments)
    branch = os.environ.get("PREVIEW_BRANCH")
    if branch:
        created = os.environ.get("PREVIEW_CREATED_AT")
        selected = [Environment.for_branch(
            branch,
            owner=os.environ.get("PREVIEW_OWNER") or "unknown",
            domain=PREVIEW_DOMAIN,
            created_at=datetime.fromisoformat(created) if created else None,
            ingress=STAGING_INGRESS,
            network=STAGING_NETWORK,
            seed=SeedData(fixtures=("demo",), superuser_secret="shop-preview-superuser"),
        )]
    only = os.environ.get("ONLY_ENVIRONMENT")
    if only:
        selected = [e for e in selected if e.name == only]
        if not selected:
            raise SystemExit(f"ONLY_ENVIRONMENT={only!r}: no such environment; expected one of {[e.name for e in environments]}")
    return selected


def build_app(outdir: str | None = None, display_dir: str | None = None) -> App:
    """One chart per environment, each with the image CI chose for it."""
    app = App(outdir=outdir, display_dir=display_dir)
    charts = []
    for environment in selected_environments():
        environment = replace(environment, image=image_for(environment.name, shop.image))
        chart = DjangoChart(app, environment.name, django_app=shop, environment=environment)
        mark_for_argo_cd(chart)  # Argo CD deploys every environment, previews included
        charts.append(chart)
    if not os.environ.get("PREVIEW_BRANCH") and not os.environ.get("ONLY_ENVIRONMENT"):
        # Applied once per cluster by the platform team (Kubernetes 1.31+): the fence, then the access.
        fence_chart, access_chart = Chart(app, "cluster-1-fence"), Chart(app, "cluster-2-access")
        fence = NamespaceFence(fence_chart, "Fence")
        PreviewReaperAccess(access_chart, "PreviewReaper", fence=fence)
        # The Secrets Manager store, readable from production's namespace alone (previews get generated passwords).
        AwsSecretStore(access_chart, "SecretStore", environments=[c for c in charts if c.plan.environment.aws_secrets])
        # GitOps, opt-in: dist/argocd/, applied once into Argo CD's namespace.
        ArgoCdApplications(Chart(app, "argocd"), "ArgoCd", repo_url=GITOPS_REPO, environments=charts,
                           cluster=[fence_chart, access_chart], previews=ArgoCdPreviews())
    return app


if __name__ == "__main__":
    try:
        build_app().synth()
    except ConfigError as error:  # the error alone: a traceback would hide it
        raise SystemExit(f"main.py: {error}") from None

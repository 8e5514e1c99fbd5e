"""The option types of a spec: plain, frozen data, no cdk8s.

Each is checked once, where it enters (``resolve`` for ``DjangoApp`` and
``Environment``; a construct for its own props). ``UNSET`` marks "not given,
take the environment kind's default", which is not the same as ``None``
("explicitly none").
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar, Final

__all__ = [
    "DEFAULT_ALB_SSL_POLICY",
    "DEFAULT_NGINX_IMAGE",
    "DEFAULT_NGINX_PORT",
    "DEFAULT_NGINX_RESOURCES",
    "DEFAULT_STATIC_ROOT",
    "METADATA_ENDPOINTS",
    "UNSET",
    "AcmCertificate",
    "Autoscaling",
    "AwsSecretsManager",
    "BeatScheduler",
    "CertManagerIssuer",
    "EgressAllowList",
    "IngressController",
    "IngressOptions",
    "NetworkAccess",
    "NewRelic",
    "NginxStatic",
    "QueueAutoscaling",
    "RedisRole",
    "Resources",
    "SecretKeyRef",
    "StaticServer",
    "StoreRole",
    "Unset",
]


class Unset(enum.Enum):
    """The type of ``UNSET``: an option left out, so its default applies."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET

# TLS 1.2 and 1.3 only (the AWS Load Balancer Controller's default, ELBSecurityPolicy-2016-08, accepts 1.0).
DEFAULT_ALB_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


@dataclass(frozen=True)
class SecretKeyRef:
    """One key of a Secret that exists in the namespace (never a value).

    Attributes:
        name: the Secret's name (a DNS-1123 subdomain).
        key: the key inside it (letters, digits, '-', '_' and '.').
    """

    name: str
    key: str


@dataclass(frozen=True)
class Resources:
    """CPU and memory for one container. Requests schedule; the memory limit stops a leak.

    No CPU limit: it throttles a busy process even on an idle node.

    Attributes:
        cpu: CPU request. Default ``100m``.
        memory: memory request. Default ``256Mi``.
        memory_limit: memory limit. Default None: the same as ``memory``.
    """

    cpu: str = "100m"
    memory: str = "256Mi"
    memory_limit: str | None = None

    @property
    def limit(self) -> str:
        return self.memory_limit if self.memory_limit is not None else self.memory


@dataclass(frozen=True)
class Autoscaling:
    """A HorizontalPodAutoscaler on CPU (needs metrics-server).

    Attributes:
        min_replicas: Default 2 (never one pod in production: a node drain would cut service).
        max_replicas: Default 10.
        cpu_utilization: target average CPU, percent of requests. Default 70.
    """

    min_replicas: int = 2
    max_replicas: int = 10
    cpu_utilization: int = 70


@dataclass(frozen=True)
class QueueAutoscaling:
    """A KEDA ScaledObject scaling workers on Redis queue length (needs KEDA).

    Attributes:
        min_replicas: Default 0: scale to zero when the queues are empty (staging).
        max_replicas: Default 10.
        tasks_per_replica: queued tasks per worker pod. Default 20.
        cooldown_seconds: wait after the last task before scaling to zero. Default 300.
        address: the broker's ``host:port`` as KEDA's operator dials it (from its own namespace).
            Default None (taken from the broker the worker is given,
            ``<app>-redis-broker.<namespace>.svc:6379`` in the cluster, the managed endpoint otherwise).
        tls: the broker speaks TLS. Default None: taken from the broker (False without one).
    """

    min_replicas: int = 0
    max_replicas: int = 10
    tasks_per_replica: int = 20
    cooldown_seconds: int = 300
    address: str | None = None
    tls: bool | None = None


# The cloud instance metadata endpoint (IMDS): it hands out the node's IAM role. IRSA needs none of it.
# Only these two addresses: EKS Pod Identity (169.254.170.23) and NodeLocal DNS (169.254.20.10) share 169.254.0.0/16.
METADATA_ENDPOINTS = ("169.254.169.254/32", "fd00:ec2::254/128")


@dataclass(frozen=True)
class EgressAllowList:
    """Egress limited to what the app needs, replacing the default egress policy (NetworkPolicies add
    up, so an allow-list beside the default would change nothing): DNS (kube-dns pods and NodeLocal
    DNS), the in-cluster stores, the managed stores' CIDRs on their ports, the EKS Pod Identity agent,
    and HTTPS (S3, STS, New Relic). Never the metadata endpoint. Anything else (SMTP, another
    namespace) is a NetworkPolicy of your own beside it: egress policies add up.

    Attributes:
        managed_cidrs: the CIDRs of the managed stores' subnets (RDS, ElastiCache), opened on the
            stores' ports: a NetworkPolicy matches addresses, not DNS names. Default none
            (required when a store is managed).
        https_cidrs: where pods may open HTTPS (443) connections. Default ``0.0.0.0/0`` and ``::/0``.
    """

    managed_cidrs: tuple[str, ...] = ()
    https_cidrs: tuple[str, ...] = ("0.0.0.0/0", "::/0")


@dataclass(frozen=True)
class NetworkAccess:
    """Who may open connections into the namespace.

    Attributes:
        load_balancer_cidrs: source ranges of load-balancer traffic to the web pods: with the AWS
            Load Balancer Controller's IP targets, the CIDRs of the ALB's subnets (not the whole VPC:
            with the VPC CNI every pod has a VPC address). Default none (required with an ALB Ingress).
        ingress_namespace: namespace of an in-cluster ingress controller (nginx) allowed
            to reach the web pods, instead of or beside the CIDRs. Default None: none.
        monitoring_namespace: namespace whose pods (Prometheus) may scrape metrics. Default ``monitoring``.
        keda_namespace: namespace of KEDA's operator, allowed to read the in-cluster
            broker's queue lengths. Default ``keda``.
        egress: an ``EgressAllowList`` that replaces the default egress policy. Default None: the
            default, which allows every pod in the cluster, DNS and any address but the instance
            metadata endpoint (169.254.169.254, fd00:ec2::254).
    """

    load_balancer_cidrs: tuple[str, ...] = ()
    ingress_namespace: str | None = None
    monitoring_namespace: str = "monitoring"
    keda_namespace: str = "keda"
    egress: EgressAllowList | None = None


@dataclass(frozen=True)
class AwsSecretsManager:
    """An ESO secret store backed by AWS Secrets Manager.

    Attributes:
        store: the (Cluster)SecretStore's name. Default ``aws-secrets-manager``.
        kind: ``ClusterSecretStore`` or ``SecretStore``. Default ``ClusterSecretStore``.
        prefix: remote key prefix; a secret ``x`` is read from ``<prefix>/x``. Default None: ``<app>/<environment>``.
    """

    store: str = "aws-secrets-manager"
    kind: str = "ClusterSecretStore"
    prefix: str | None = None


@dataclass(frozen=True)
class NewRelic:
    """Run every app process under ``newrelic-admin run-program``.

    Attributes:
        license_key: the Secret key holding the licence key (never a value).
        ini: the ``newrelic.ini`` content, mounted from the files ConfigMap.
    """

    license_key: SecretKeyRef
    ini: str


class BeatScheduler(enum.Enum):
    """Where beat keeps its schedule state.

    ``FILE``: Celery's default shelve file, here on an emptyDir. A restart loses
    the last-run times, so an interval task may run early once after it; the
    schedule itself comes from the code. ``DATABASE``: django-celery-beat's
    ``DatabaseScheduler`` keeps schedules and last-run times in Postgres, editable
    in the Django admin (the app must install ``django_celery_beat``).
    """

    FILE = "file"
    DATABASE = "database"


class StoreRole(enum.Enum):
    """The three stores every environment has, by their stable component name.

    A cache evicts keys under memory pressure; a broker must never drop a
    message: two separate Redis stores, so an evicting cache can never evict
    queued Celery tasks.
    """

    POSTGRES = "postgres"
    CACHE = "redis-cache"
    BROKER = "redis-broker"


# The Redis roles are two members of the one store enum (``RedisRole.CACHE``, ``RedisRole.BROKER``).
RedisRole = StoreRole


class IngressController(enum.Enum):
    """Which controller serves the Ingress; decides the annotations and the TLS choice."""

    AWS_LOAD_BALANCER = "aws-load-balancer"
    NGINX = "nginx"


@dataclass(frozen=True)
class AcmCertificate:
    """TLS terminated on the AWS load balancer with an ACM certificate (AWS Load Balancer Controller only)."""

    arn: str


@dataclass(frozen=True)
class CertManagerIssuer:
    """TLS from cert-manager: it writes the certificate into the Secret ``<app>-web-tls`` (nginx only).

    Attributes:
        name: the issuer's name.
        kind: ``ClusterIssuer`` or ``Issuer``. Default ``ClusterIssuer``.
    """

    name: str
    kind: str = "ClusterIssuer"


@dataclass(frozen=True)
class IngressOptions:
    """An Ingress in front of the web Service.

    Attributes:
        class_name: ``spec.ingressClassName`` (required: no cluster default is assumed).
        controller: the controller behind that class. Default: AWS Load Balancer Controller.
        tls: an ``AcmCertificate`` or a ``CertManagerIssuer``, or None for HTTP only. Default None.
        group_name: ALB group (``alb.ingress.kubernetes.io/group.name``) so many staging
            environments share one load balancer. Default None (one ALB per Ingress).
        external_dns: annotate the host names for external-dns. Default True.
        internet_facing: ALB scheme ``internet-facing`` (else ``internal``). Default True.
        ssl_policy: the ALB HTTPS listener's security policy (with an ``AcmCertificate``); TLS 1.2 and
            1.3 only, since the controller's own default still accepts TLS 1.0 and 1.1. Ingresses of one
            ``group_name`` share the listener, so they must name the same one.
            Default ``ELBSecurityPolicy-TLS13-1-2-2021-06``.
    """

    class_name: str
    controller: IngressController = IngressController.AWS_LOAD_BALANCER
    tls: AcmCertificate | CertManagerIssuer | None = None
    group_name: str | None = None
    external_dns: bool = True
    internet_facing: bool = True
    ssl_policy: str = DEFAULT_ALB_SSL_POLICY


# nginxinc/nginx-unprivileged:1.27-bookworm: nginx as a non-root user, listening on 8080, its pid and temp
# paths under /tmp (the official image runs as root and writes to /var/cache/nginx and /var/run).
DEFAULT_NGINX_IMAGE = "nginxinc/nginx-unprivileged@sha256:f9dfa9c20b2b0b7c5cc830374f22f23dee3f750b6c5291ca7e0330b5c88e6403"
DEFAULT_NGINX_PORT = 8080
# One nginx worker serving files to a CDN and proxying to gunicorn needs a few MiB.
DEFAULT_NGINX_RESOURCES = Resources(cpu="10m", memory="64Mi")
# The reference app's STATIC_ROOT (examples/shop-app: WORKDIR /app, STATIC_ROOT = BASE_DIR / "staticfiles").
DEFAULT_STATIC_ROOT = "/app/staticfiles"


class StaticServer:
    """What ``Environment.static`` takes: a server in the web pod, in front of gunicorn, that serves the static files.

    A kind is its option type (a frozen dataclass of this class, with the ``port`` the Service then targets) and its
    module in ``components/``, whose function ``front`` names (``module:function``): it checks the options and returns
    what the pod gains (``components.django_web.WebFront``). ``DjangoWeb`` names no kind.
    """

    front: ClassVar[str]
    port: int

    @classmethod
    def describe(cls) -> str:
        """The kinds, for a message: ``NginxStatic(...)``."""
        return " or ".join(f"{kind.__name__}(...)" for kind in cls.__subclasses__())


@dataclass(frozen=True)
class NginxStatic(StaticServer):
    """nginx in the web pod, in front of gunicorn: it serves the collected static files (copied from the app
    image by an init container) at the path of ``STATIC_URL`` and proxies everything else to gunicorn.
    For teams that would rather not have WhiteNoise serve files from Python; a CDN stays in front either way.

    Attributes:
        image: the nginx image; an unprivileged one (non-root, no writes outside its emptyDirs).
            Default ``nginxinc/nginx-unprivileged:1.27-bookworm``, pinned by digest.
        port: nginx's container port, which the Service, the Ingress and the probes then target. Default 8080.
        resources: nginx's requests and memory limit. Default 10m CPU, 64Mi.
        static_root: where ``collectstatic`` wrote the files inside the app image (``STATIC_ROOT``).
            Default ``/app/staticfiles``.
    """

    front: ClassVar[str] = "..components.nginx_static:web_front"
    image: str = DEFAULT_NGINX_IMAGE
    port: int = DEFAULT_NGINX_PORT
    resources: Resources = DEFAULT_NGINX_RESOURCES
    static_root: str = DEFAULT_STATIC_ROOT

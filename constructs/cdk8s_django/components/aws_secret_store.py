"""``AwsSecretStore``: the ClusterSecretStore for AWS Secrets Manager, readable from named namespaces only.

A ClusterSecretStore serves every namespace by default: any ExternalSecret anywhere,
a pull request's preview included, could copy production's database secret out of it.
ESO's ``spec.conditions`` restrict it to the namespaces listed, here exactly those of the
environments that read from it (``Environment.aws_secrets``). Previews never do: they get
ESO-generated passwords only (``Environment.for_branch`` refuses ``aws_secrets``), and their
AppProject lets them create no SecretStore of their own.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, checked_props
from ..k8s._manifest import LABEL_MANAGED_BY, MANAGED_BY, emit
from ..model import _validation as v
from .chart import DjangoChart
from .external_secrets import EXTERNAL_SECRETS_API

__all__ = ["DEFAULT_ESO_SERVICE_ACCOUNT", "AwsSecretStore"]

# The Helm chart's ServiceAccount for ESO, which carries the IAM role (IRSA) that reads Secrets Manager.
DEFAULT_ESO_SERVICE_ACCOUNT = ("external-secrets", "external-secrets")
LABELS = {"app.kubernetes.io/name": "cdk8s-django", "app.kubernetes.io/component": "secret-store", LABEL_MANAGED_BY: MANAGED_BY}


class AwsSecretStore(DjangoConstruct):
    """The ClusterSecretStore the environments' ``aws_secrets`` name, limited to their namespaces.

    Args:
        environments: the ``DjangoChart`` of each environment reading from the store (each with ``aws_secrets``
            naming one and the same ``ClusterSecretStore``).
        region: the Secrets Manager region. Default None: the environments' ``AWS_REGION``.
        service_account: ESO's ServiceAccount ``(namespace, name)``, annotated with the IAM role that reads
            the secrets. Default ``("external-secrets", "external-secrets")``.
    """

    @checked_props
    def __init__(self, scope: Construct, id: str, *, environments: Sequence[DjangoChart], region: str | None = None,
                 service_account: tuple[str, str] = DEFAULT_ESO_SERVICE_ACCOUNT) -> None:
        where = LazyPath(scope, id)
        store = _one_store(where, environments)
        region = region if region is not None else _one_region(where, environments)
        v.check_dns_label(where, "region", region)
        v.check_dns_label(where, "service_account[0]", service_account[0])
        v.check_dns_subdomain(where, "service_account[1]", service_account[1])
        super().__init__(scope, id)
        self.store_name = store
        self.namespaces = sorted(chart.plan.namespace for chart in environments)
        self.store: ApiObject = emit(self, "Resource", {
            "apiVersion": EXTERNAL_SECRETS_API,
            "kind": "ClusterSecretStore",
            "metadata": {"name": store, "labels": LABELS},
            "spec": {
                "provider": {"aws": {"service": "SecretsManager", "region": region, "auth": {"jwt": {"serviceAccountRef": {
                    "name": service_account[1], "namespace": service_account[0]}}}}},
                # Only these namespaces' ExternalSecrets are served; any other one's fails to sync.
                "conditions": [{"namespaces": self.namespaces}],
            },
        })


def _one_store(where: object, environments: Sequence[DjangoChart]) -> str:
    stores = sorted({(c.plan.environment.aws_secrets.kind, c.plan.environment.aws_secrets.store)
                     for c in environments if c.plan.environment.aws_secrets is not None})
    without = [c.chart_id for c in environments if c.plan.environment.aws_secrets is None]
    if not environments or without:
        raise v.ConfigError(where, "environments", without or [], "environments that read AWS Secrets Manager (aws_secrets set)",
                            "pass only the charts whose Environment has aws_secrets=AwsSecretsManager(...)")
    if len(stores) != 1 or stores[0][0] != "ClusterSecretStore":
        raise v.ConfigError(where, "environments", [f"{kind}/{name}" for kind, name in stores],
                            "one ClusterSecretStore for all of them", "make one AwsSecretStore per store name")
    return stores[0][1]


def _one_region(where: object, environments: Sequence[DjangoChart]) -> str:
    regions = sorted({c.plan.config_env.get("AWS_REGION") or "" for c in environments})
    if len(regions) != 1 or not regions[0]:
        raise v.ConfigError(where, "region", None, f"a region (the environments give {regions})",
                            "pass region='eu-west-1' (the Secrets Manager region)")
    return regions[0]

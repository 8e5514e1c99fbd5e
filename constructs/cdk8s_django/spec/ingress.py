"""How web traffic reaches ``DjangoWeb``: the Ingress options and their TLS choices.

Two supported pairs, refused when mismatched: the AWS Load Balancer Controller
(class ``alb``) terminating TLS with an ACM certificate, or an nginx-class
controller with a certificate issued by cert-manager into a Secret.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["AcmCertificate", "CertManagerIssuer", "IngressController", "IngressOptions"]


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
    """

    class_name: str
    controller: IngressController = IngressController.AWS_LOAD_BALANCER
    tls: AcmCertificate | CertManagerIssuer | None = None
    group_name: str | None = None
    external_dns: bool = True
    internet_facing: bool = True

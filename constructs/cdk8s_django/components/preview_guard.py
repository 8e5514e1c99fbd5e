"""``PreviewGuard``: what a preview's own manifests cannot weaken in its namespace.

A preview is rendered from a pull request's ``main.py``, so everything in its folder is
the pull request's to choose. These ValidatingAdmissionPolicies (part of ``NamespaceFence``,
Kubernetes 1.31+ for CEL's IP and CIDR library) hold in every ``pr-…`` namespace, whoever
writes there:

- **pod security**: the namespace enforces Pod Security "restricted" (latest);
- **network**: no NetworkPolicy opens egress to everything (a rule without ``to``) or to the
  instance metadata endpoint (an ``ipBlock`` holding it and not excepting it), and none admits
  ingress from everywhere (a rule without ``from``); the two baseline policies
  (``cdk8s-django/baseline``: deny ingress by default, the only egress) keep their shape
  and label, and are deleted only with their namespace;
- **baseline**: a pod is admitted only while both baseline policies are in its namespace
  (a binding per policy, denying when none matches);
- **tracking**: an object Argo CD writes into a preview namespace is its Application's,
  named as the namespace, so one preview's Application never writes into another's.

Why policies and not Argo CD's ``managedNamespaceMetadata``: that sets a namespace's labels at
sync, but an object in the preview's own folder can still drop the egress policy or add one
that opens everything; admission sees every write, from Argo CD and ``kubectl`` alike.
"""

from __future__ import annotations

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct
from ..k8s._cel import PREVIEW_NAMESPACE, emit_policy, has_label, same_label
from ..k8s._manifest import LABEL_MANAGED_BY, MANAGED_BY
from ..model.options import METADATA_ENDPOINTS
from ..model.preview import ARGO_CD_TRACKING, BASELINE_EGRESS, BASELINE_INGRESS, LABEL_BASELINE, PREVIEW_PREFIX

__all__ = ["PreviewGuard"]

PREFIX = "cdk8s-django-preview-"
LABELS = {"app.kubernetes.io/name": "cdk8s-django", "app.kubernetes.io/component": "preview-guard", LABEL_MANAGED_BY: MANAGED_BY}
ENFORCE = "pod-security.kubernetes.io/enforce"
ENFORCE_VERSION = "pod-security.kubernetes.io/enforce-version"
NETWORK_POLICY = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy"}
WRITES = ["CREATE", "UPDATE"]
NOT_DELETE = "request.operation == 'DELETE' || "
IMDS = "[" + ", ".join(f"'{m.split('/')[0]}'" for m in METADATA_ENDPOINTS) + "]"


def _empty_selector(root: str) -> str:
    selector = f"{root}.spec.podSelector"
    return (f"has({selector}) && (!has({selector}.matchLabels) || size({selector}.matchLabels) == 0)"
            f" && (!has({selector}.matchExpressions) || size({selector}.matchExpressions) == 0)")


def _baseline_shape(root: str) -> str:
    """``root`` is one of the two baseline policies, in its shape: every pod, ingress denied / egress its only way."""
    ingress = (f"{has_label(root, LABEL_BASELINE, BASELINE_INGRESS)} && {_empty_selector(root)}"
               f" && has({root}.spec.policyTypes) && {root}.spec.policyTypes == ['Ingress']"
               f" && (!has({root}.spec.ingress) || size({root}.spec.ingress) == 0)")
    egress = (f"{has_label(root, LABEL_BASELINE, BASELINE_EGRESS)} && {_empty_selector(root)}"
              f" && has({root}.spec.policyTypes) && {root}.spec.policyTypes == ['Egress']")
    return f"(({ingress}) || ({egress}))"


def _closed_ip_block(peer: str) -> str:
    """CEL: the ipBlock of ``peer`` holds no metadata endpoint, or excepts it."""
    block = f"{peer}.ipBlock"
    return (f"has({block}.cidr) && isCIDR({block}.cidr) && {IMDS}.all(m, !cidr({block}.cidr).containsIP(ip(m))"
            f" || (has({block}.except) && {block}.except.exists(e, isCIDR(e) && cidr(e).containsIP(ip(m)))))")


class PreviewGuard(DjangoConstruct):
    """Admission policies for preview namespaces (``NamespaceFence`` makes one; apply before any preview)."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        in_preview = [("in-a-preview-namespace", PREVIEW_NAMESPACE)]
        self.pod_security_policy: ApiObject = emit_policy(self, "PodSecurity", f"{PREFIX}pod-security", LABELS, [
            {"apiGroups": [""], "apiVersions": ["v1"], "operations": WRITES,
             "resources": ["namespaces", "namespaces/status", "namespaces/finalize"]},
        ], [
            (has_label("object", ENFORCE, "restricted"),
             f"a preview namespace enforces Pod Security 'restricted': keep the label {ENFORCE}=restricted"),
            (f"!{has_label('object', ENFORCE_VERSION)} || {has_label('object', ENFORCE_VERSION, 'latest')}",
             f"a preview namespace enforces the latest Pod Security standard: {ENFORCE_VERSION} is 'latest' or absent"),
        ], match_conditions=[("a-preview-namespace",
                              f"has(object.metadata.name) && object.metadata.name.startsWith('{PREVIEW_PREFIX}')")])
        self.network_policy: ApiObject = emit_policy(self, "Network", f"{PREFIX}network", LABELS, [
            {"apiGroups": ["networking.k8s.io"], "apiVersions": ["v1"], "operations": [*WRITES, "DELETE"],
             "resources": ["networkpolicies"]},
        ], [
            (f"{NOT_DELETE}!has(object.spec.egress) || object.spec.egress.all(r, has(r.to) && size(r.to) > 0)",
             "in a preview namespace, every egress rule names its destinations ('to'): an empty one allows every address"),
            ((f"{NOT_DELETE}!has(object.spec.egress) || object.spec.egress.all(r, !has(r.to)"
             f" || r.to.all(p, !has(p.ipBlock) || {_closed_ip_block('p')}))"),
             ("in a preview namespace, no egress ipBlock may hold the instance metadata endpoint"
             f" ({', '.join(METADATA_ENDPOINTS)}) without excepting it")),
            (f"{NOT_DELETE}!has(object.spec.ingress) || object.spec.ingress.all(r, has(r.from) && size(r.from) > 0)",
             "in a preview namespace, every ingress rule names its sources ('from'): an empty one admits every pod"),
            (f"{NOT_DELETE}!{has_label('object', LABEL_BASELINE)} || {_baseline_shape('object')}",
             (f"a {LABEL_BASELINE} NetworkPolicy keeps its shape: '{BASELINE_INGRESS}' denies ingress to every pod,"
              f" '{BASELINE_EGRESS}' is every pod's egress")),
            (f"request.operation != 'UPDATE' || !{has_label('oldObject', LABEL_BASELINE)} || {same_label(LABEL_BASELINE)}",
             f"the label {LABEL_BASELINE} stays on a baseline NetworkPolicy, with its value"),
            ((f"request.operation != 'DELETE' || !{has_label('oldObject', LABEL_BASELINE)}"
             " || has(namespaceObject.metadata.deletionTimestamp)"),
             "a preview's baseline NetworkPolicy is deleted only with its namespace"),
        ], match_conditions=in_preview)
        self.baseline_policy: ApiObject = emit_policy(self, "Baseline", f"{PREFIX}baseline", LABELS, [
            {"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["pods"]},
        ], [
            (_baseline_shape("params"),
             (f"a preview's pods run only beside its baseline NetworkPolicies ({LABEL_BASELINE}={BASELINE_INGRESS} and"
             f" {LABEL_BASELINE}={BASELINE_EGRESS}), in their shape")),
        ], match_conditions=in_preview, param_kind=NETWORK_POLICY,
            param_selectors=[{LABEL_BASELINE: BASELINE_INGRESS}, {LABEL_BASELINE: BASELINE_EGRESS}])
        annotations = "object.metadata.annotations"
        self.tracking_policy: ApiObject = emit_policy(self, "Tracking", f"{PREFIX}tracking", LABELS, [
            {"apiGroups": ["*"], "apiVersions": ["*"], "operations": WRITES, "resources": ["*"]},
        ], [
            ((f"{annotations}['{ARGO_CD_TRACKING}'].startsWith("
             "(request.namespace != '' ? request.namespace : object.metadata.name) + ':')"),
             "in a preview namespace, Argo CD writes only for the preview's own Application, named as the namespace"),
        ], match_conditions=[
            ("tracked-by-argo-cd", f"has({annotations}) && '{ARGO_CD_TRACKING}' in {annotations}"),
            ("in-or-of-a-preview-namespace",
             (f"{PREVIEW_NAMESPACE} || (request.namespace == '' && request.resource.resource == 'namespaces'"
             f" && has(object.metadata.name) && object.metadata.name.startsWith('{PREVIEW_PREFIX}'))")),
        ])

"""The namespace fence: the preview reaper deletes previews and nothing else, whatever labels say.

Every admission expression runs in a CEL implementation (``admission.py``: cel-python,
held as strict as the API server's cel-go) against the example's real namespaces,
tampered ones, and random ones.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import kubernetes_validate
import main
import pytest
from cdk8s import App, Chart
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _k8s import by_kind, synth
from admission import admit, evaluate
from cdk8s_django import DjangoChart, Environment, NamespaceFence, PreviewReaperAccess, expired_previews
from cdk8s_django.components.namespace_fence import group_condition
from conftest import ACCESS, FENCE

REAPER = ("system:authenticated", "cdk8s-django:preview-reaper")
CI = ("system:authenticated", "ci-deployers")
ADMIN = ("system:authenticated", "system:masters")
MANAGED = {"app.kubernetes.io/managed-by": "cdk8s-django"}
MARKER = {"cdk8s-django/preview": "true"}
EXPIRY = {"cdk8s-django/expires-at": "2026-11-29T09:00:00Z"}
PROTECTED = {"cdk8s-django/deletion-protection": "true"}


def _ns(name: str, labels: dict[str, str] | None = None, annotations: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, **extra}
    if labels is not None:
        metadata["labels"] = labels
    if annotations is not None:
        metadata["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": metadata}


PREVIEW = _ns("pr-shop-feature-x", {**MARKER, **MANAGED}, EXPIRY)


@pytest.fixture(scope="module")
def policies(all_policies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The fence's own policies (the preview guard's have tests of their own: test_preview_guard.py)."""
    return [p for p in all_policies if p["metadata"]["labels"]["app.kubernetes.io/component"] == "namespace-fence"]


@pytest.fixture(scope="module")
def all_policies(cluster_docs: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return by_kind(cluster_docs[FENCE], "ValidatingAdmissionPolicy")


@pytest.fixture(scope="module")
def real_namespaces(example_docs: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """The example's namespaces, and a preview's exactly as `make preview` writes it."""
    preview = Environment.for_branch("feature/JIRA-9 checkout", owner="alice", domain=main.PREVIEW_DOMAIN,
                                     created_at=datetime(2026, 11, 26, 9, tzinfo=UTC), ingress=main.STAGING_INGRESS,
                                     network=main.STAGING_NETWORK)
    preview_docs = synth(DjangoChart(App(), preview.name, django_app=main.shop, environment=preview))
    return {**{env: by_kind(docs, "Namespace")[0] for env, docs in example_docs.items()},
            "preview": by_kind(preview_docs, "Namespace")[0]}


# --- what is emitted --------------------------------------------------------------------------

def test_fence_and_access_are_separate_folders_the_fence_first(cluster_docs: dict[str, list[dict[str, Any]]],
                                                                rendered: dict[str, dict[str, str]]) -> None:
    """`kubectl apply -f` carries on past errors: the access lives in a folder of its own, applied after the fence's."""
    assert sorted([FENCE, ACCESS]) == [FENCE, ACCESS]
    fence, access = cluster_docs[FENCE], cluster_docs[ACCESS]
    assert sorted((d["kind"], d["metadata"]["name"]) for d in access) == [
        ("ClusterRole", "cdk8s-django-preview-reaper"), ("ClusterRoleBinding", "cdk8s-django-preview-reaper"),
        ("ClusterSecretStore", "aws-secrets-manager")]  # test_aws_secret_store.py
    assert by_kind(access, "ClusterRole")[0]["rules"] == [
        {"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get", "list", "delete"]},
        {"apiGroups": ["admissionregistration.k8s.io"], "resources": ["validatingadmissionpolicybindings"],
         "resourceNames": ["cdk8s-django-preview-reaper"], "verbs": ["get"]},
    ]
    assert by_kind(access, "ClusterRoleBinding")[0]["subjects"] == [
        {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "cdk8s-django:preview-reaper"}]
    policies = by_kind(fence, "ValidatingAdmissionPolicy")
    assert sorted(p["metadata"]["name"] for p in policies) == [
        "cdk8s-django-deletion-protection", "cdk8s-django-preview-baseline", "cdk8s-django-preview-marker",
        "cdk8s-django-preview-network", "cdk8s-django-preview-pod-security", "cdk8s-django-preview-reaper",
        "cdk8s-django-preview-reaper-binding", "cdk8s-django-preview-tracking"]
    assert all(p["spec"]["failurePolicy"] == "Fail" for p in policies)
    bindings = by_kind(fence, "ValidatingAdmissionPolicyBinding")
    assert {b["spec"]["policyName"] for b in bindings} == {p["metadata"]["name"] for p in policies}
    plain = [b for b in bindings if "paramRef" not in b["spec"]]
    assert all(b["spec"] == {"policyName": b["metadata"]["name"], "validationActions": ["Deny"]} for b in plain)
    # The baseline policy: one binding per baseline NetworkPolicy, each denying when none is in the pod's namespace.
    assert sorted((b["metadata"]["name"], b["spec"]["paramRef"]["selector"]["matchLabels"]["cdk8s-django/baseline"],
                   b["spec"]["paramRef"]["parameterNotFoundAction"]) for b in bindings if "paramRef" in b["spec"]) == [
        ("cdk8s-django-preview-baseline-1", "ingress", "Deny"), ("cdk8s-django-preview-baseline-2", "egress", "Deny")]
    for doc in fence + [d for d in access if d["kind"] != "ClusterSecretStore"]:  # ValidatingAdmissionPolicy v1 exists from Kubernetes 1.30; CEL's CIDR library from 1.31
        for version in ("1.31", "1.37"):
            kubernetes_validate.validate(doc, version, strict=True)
    fence_notes, access_notes = rendered[FENCE]["NOTES.md"], rendered[ACCESS]["NOTES.md"]
    assert "Needs Kubernetes 1.31+" in fence_notes and "CEL has no clock" in fence_notes
    assert f"kubectl apply -f dist/{FENCE}/ && kubectl apply -f dist/{ACCESS}/" in access_notes


def test_only_the_reapers_deletions_are_fenced_by_group(policies: list[dict[str, Any]]) -> None:
    reaper = next(p for p in policies if p["metadata"]["name"] == "cdk8s-django-preview-reaper")["spec"]
    assert reaper["matchConditions"] == [{"name": "is-preview-reaper",
                                          "expression": "has(request.userInfo.groups) && 'cdk8s-django:preview-reaper' in request.userInfo.groups"}]
    others = [p["spec"] for p in policies if p["metadata"]["name"] in ("cdk8s-django-preview-marker", "cdk8s-django-deletion-protection")]
    assert len(others) == 2 and all("matchConditions" not in spec for spec in others)  # they hold for everyone, admins too


# --- the real namespaces ----------------------------------------------------------------------

def test_real_namespaces_are_created_and_deleted_as_intended(policies: list[dict[str, Any]],
                                                              real_namespaces: dict[str, dict[str, Any]]) -> None:
    for env, namespace in real_namespaces.items():
        assert admit(policies, "CREATE", groups=CI, obj=namespace).allowed, env
        assert admit(policies, "UPDATE", groups=CI, obj=namespace, old=namespace).allowed, env
    reaper_deletes = {env for env, ns in real_namespaces.items() if admit(policies, "DELETE", groups=REAPER, old=ns).allowed}
    assert reaper_deletes == {"preview"}
    admin_deletes = {env for env, ns in real_namespaces.items() if admit(policies, "DELETE", groups=ADMIN, old=ns).allowed}
    assert admin_deletes == {"qa", "demo", "preview"}  # production has deletion_protection=True
    assert real_namespaces["preview"]["metadata"]["name"] == "pr-shop--feature-jira-9-che--72981903"


# --- tampering --------------------------------------------------------------------------------

def _with(namespace: dict[str, Any], labels: dict[str, str] | None = None, annotations: dict[str, str] | None = None,
          **metadata: Any) -> dict[str, Any]:
    old = namespace["metadata"]
    new = {**old, **metadata}
    if labels is not None:
        new["labels"] = {**old.get("labels", {}), **labels}
    if annotations is not None:
        new["annotations"] = {**old.get("annotations", {}), **annotations}
    return {**namespace, "metadata": new}


@pytest.mark.parametrize("resource", ["namespaces", "namespaces/status", "namespaces/finalize"])
@pytest.mark.parametrize("groups", [CI, ADMIN, REAPER], ids=["ci", "admin", "reaper"])
@pytest.mark.parametrize("env", ["production", "qa"])
def test_the_marker_cannot_be_added_to_an_existing_namespace(policies: list[dict[str, Any]], real_namespaces: dict[str, dict[str, Any]],
                                                             env: str, groups: tuple[str, ...], resource: str) -> None:
    """Through the namespace or its status and finalize subresources (both keep label changes)."""
    namespace = real_namespaces[env]
    refused = ("the label cdk8s-django/preview=true cannot be given to an existing namespace: it would let the preview reaper delete it",)
    tampered = _with(namespace, {"cdk8s-django/preview": "true"}, EXPIRY)
    assert admit(policies, "UPDATE", groups=groups, obj=tampered, old=namespace, resource=resource).messages == refused
    # A label that was there before the fence, with another value, cannot be flipped to true either.
    before = _with(namespace, {"cdk8s-django/preview": "false"}, EXPIRY)
    assert admit(policies, "UPDATE", groups=groups, obj=tampered, old=before, resource=resource).messages == refused
    for harmless in ("false", ""):  # the reaper deletes only "true"
        assert admit(policies, "UPDATE", groups=groups, obj=_with(namespace, {"cdk8s-django/preview": harmless}), old=namespace,
                     resource=resource).allowed


@pytest.mark.parametrize(("expiry", "allowed"), [
    ("2026-11-29T09:00:00Z", True),  # unchanged
    ("2026-12-24T09:00:00Z", True),  # extended
    ("2026-11-29T08:59:59Z", False),  # a second earlier
    ("2020-01-01T00:00:00Z", False),  # into the past, so the reaper would take it now
    ("9999-99-99T99:99:99Z", False),  # impossible
    ("2026-13-01T00:00:00Z", False),
    ("2026-11-29T24:00:00Z", False),
])
def test_a_previews_expiry_never_moves_earlier_nor_becomes_impossible(policies: list[dict[str, Any]], expiry: str, allowed: bool) -> None:
    decision = admit(policies, "UPDATE", groups=CI, obj=_with(PREVIEW, annotations={"cdk8s-django/expires-at": expiry}), old=PREVIEW)
    assert decision.allowed is allowed
    if not allowed:
        assert decision.messages == ("a preview's cdk8s-django/expires-at stays well-formed and never moves earlier (extend it,"
                                     " or delete the preview)",)
    assert admit(policies, "CREATE", groups=CI, obj=_ns("pr-shop-x", {**MARKER, **MANAGED}, {"cdk8s-django/expires-at": expiry})
                 ).allowed is (expiry[5:7] != "13" and "99" not in expiry and "T24" not in expiry)


@pytest.mark.parametrize(("namespace", "allowed"), [
    (PREVIEW, True),
    (_ns("pr-shop-x"), True),  # no marker: harmless, the reaper cannot delete it
    (_ns("shop-staging2", {**MARKER, **MANAGED}, EXPIRY), False),  # outside the prefix
    (_ns("kube-system", {**MARKER, **MANAGED}, EXPIRY), False),
    (_ns("default", {**MARKER, **MANAGED}, EXPIRY), False),
    (_ns("pr", {**MARKER, **MANAGED}, EXPIRY), False),
    (_ns("prx-shop", {**MARKER, **MANAGED}, EXPIRY), False),
    (_ns("xpr-shop", {**MARKER, **MANAGED}, EXPIRY), False),
    (_ns("pr-shop-x", {**MARKER, **MANAGED}), False),  # no expiry
    (_ns("pr-shop-x", {**MARKER, **MANAGED}, {}), False),
    (_ns("pr-shop-x", {**MARKER, **MANAGED}, {"cdk8s-django/expires-at": "2026-11-29"}), False),
    (_ns("pr-shop-x", {**MARKER, **MANAGED}, {"cdk8s-django/expires-at": "2026-11-29T09:00:00Z\n"}), False),
    (_ns("pr-shop-x", {**MARKER, **MANAGED}, {"cdk8s-django/expires-at": "x2026-11-29T09:00:00Z"}), False),
    (_ns("pr-shop-x", MARKER, EXPIRY), False),  # not managed by cdk8s-django
    (_ns("pr-shop-x", {"cdk8s-django/preview": "True", **MANAGED}, EXPIRY), False),
])
def test_only_a_complete_preview_may_be_created_with_the_marker(policies: list[dict[str, Any]], namespace: dict[str, Any],
                                                                allowed: bool) -> None:
    assert admit(policies, "CREATE", groups=CI, obj=namespace).allowed is allowed


@pytest.mark.parametrize(("namespace", "allowed"), [
    (PREVIEW, True),
    (_with(PREVIEW, PROTECTED), False),
    (_ns("pr", {**MARKER, **MANAGED}, EXPIRY), False),
    (_ns("pR-shop-x", {**MARKER, **MANAGED}, EXPIRY), False),
    (_ns("p-r-shop-x", {**MARKER, **MANAGED}, EXPIRY), False),
    (_ns("shop-pr-x", {**MARKER, **MANAGED}, EXPIRY), False),  # the old naming: outside the cluster-wide prefix
    (_ns("shop-production", {**MARKER, **MANAGED}, EXPIRY), False),  # tampered before the fence existed
    (_ns("kube-system", {**MARKER, **MANAGED}, EXPIRY), False),
    (_ns("default", {**MARKER, **MANAGED}, EXPIRY), False),
    (_ns("kube-system"), False),
    (_ns("pr-shop-x"), False),
    (_ns("pr-shop-x", {}, {}), False),
    (_ns("pr-shop-x", {**MARKER, **MANAGED}), False),
    (_ns("pr-shop-x", {**MARKER, **MANAGED}, {"cdk8s-django/expires-at": "tomorrow"}), False),
    (_ns("pr-shop-x", {**MARKER, "app.kubernetes.io/managed-by": "Helm"}, EXPIRY), False),
    (_ns("pr-shop-x", {"cdk8s-django/preview": "false", **MANAGED}, EXPIRY), False),
])
def test_the_reaper_deletes_complete_previews_only(policies: list[dict[str, Any]], namespace: dict[str, Any], allowed: bool) -> None:
    assert admit(policies, "DELETE", groups=REAPER, old=namespace).allowed is allowed


def test_deletion_protection_holds_for_everyone_until_the_label_goes(policies: list[dict[str, Any]],
                                                                     real_namespaces: dict[str, dict[str, Any]]) -> None:
    production = real_namespaces["production"]
    for groups in (CI, ADMIN, REAPER):
        assert admit(policies, "DELETE", groups=groups, old=production).messages[-1] == (
            "the namespace is deletion-protected: remove the label cdk8s-django/deletion-protection first, on purpose")
    unprotected = _with(production, {"cdk8s-django/deletion-protection": "false"})
    assert admit(policies, "UPDATE", groups=ADMIN, obj=unprotected, old=production).allowed
    assert admit(policies, "DELETE", groups=ADMIN, old=unprotected).allowed
    # The label added while the namespace terminates must not leave it stuck: the controller's last delete passes.
    terminating = _with(production, deletionTimestamp="2026-11-26T10:00:00Z")
    assert admit(policies, "DELETE", groups=("system:serviceaccounts",), old=terminating).allowed


def test_previews_may_be_extended_and_unmarked(policies: list[dict[str, Any]]) -> None:
    extended = _with(PREVIEW, annotations={"cdk8s-django/expires-at": "2026-12-24T09:00:00Z"})
    assert admit(policies, "UPDATE", groups=CI, obj=extended, old=PREVIEW).allowed
    unmarked = {**PREVIEW, "metadata": {**PREVIEW["metadata"], "labels": MANAGED}}
    assert admit(policies, "UPDATE", groups=CI, obj=unmarked, old=PREVIEW).allowed


# --- never an error: failurePolicy Fail turns one into a cluster-wide outage -----------------

_KEYS = st.sampled_from([
    "cdk8s-django/preview", "app.kubernetes.io/managed-by", "cdk8s-django/deletion-protection", "cdk8s-django/expires-at", "team",
])
_VALUES = st.one_of(st.sampled_from(["true", "false", "True", "", "cdk8s-django", "2026-11-29T09:00:00Z", "2026-11-29"]), st.text(max_size=12))
_MAPS = st.one_of(st.none(), st.dictionaries(_KEYS, _VALUES, max_size=5))
_NAMES = st.one_of(
    st.sampled_from(["pr-shop-x", "pr-", "pr", "pR-x", "xpr-shop", "kube-system", "default", "shop-production"]),
    st.from_regex(r"[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?", fullmatch=True),
)


@st.composite
def namespaces(draw: st.DrawFn) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": draw(_NAMES)}  # the API server requires one
    for field in ("labels", "annotations"):
        value = draw(_MAPS)
        if value is not None:
            metadata[field] = value
    if draw(st.booleans()):
        metadata["deletionTimestamp"] = "2026-11-26T10:00:00Z"
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": metadata}


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operation=st.sampled_from(["CREATE", "UPDATE", "DELETE"]), new=namespaces(), old=namespaces(),
       groups=st.one_of(st.none(), st.lists(st.sampled_from([*REAPER, *CI, *ADMIN, "system:serviceaccounts"]), max_size=3)),
       resource=st.sampled_from(["namespaces", "namespaces/status", "namespaces/finalize"]))
def test_no_expression_ever_errors_and_the_reaper_agrees_with_expire(all_policies: list[dict[str, Any]], operation: str, new: dict[str, Any],
                                                                      old: dict[str, Any], groups: list[str] | None, resource: str) -> None:
    """Evaluated on CREATE, UPDATE and DELETE, with labels, annotations, both or neither: admit() raises CelError on
    any error. And the fence lets the reaper delete exactly what ``expired_previews`` may select (never later than now)."""
    decision = admit(all_policies, operation, groups=groups, obj=new, old=old, resource=resource)
    if operation == "DELETE" and resource == "namespaces" and groups and "cdk8s-django:preview-reaper" in groups:
        labels = old["metadata"].get("labels") or {}
        terminating = "deletionTimestamp" in old["metadata"]
        protected = labels.get("cdk8s-django/deletion-protection") == "true"
        selectable = bool(expired_previews([old], datetime(9999, 12, 31, tzinfo=UTC)))
        if selectable:  # expire never picks what the fence refuses
            assert decision.allowed
        if decision.allowed and not terminating and not protected:  # and picks every expired preview it allows
            assert selectable
    if operation == "UPDATE" and (new["metadata"].get("labels") or {}).get("cdk8s-django/preview") == "true":  # any subresource
        assert decision.allowed is False or (old["metadata"].get("labels") or {}).get("cdk8s-django/preview") == "true"


# --- the reaper's group -----------------------------------------------------------------------

@settings(max_examples=200, deadline=None, derandomize=True)
@given(group=st.text(min_size=1, max_size=40), others=st.lists(st.text(max_size=10), max_size=3))
def test_a_group_either_is_refused_or_is_a_plain_membership_test(group: str, others: list[str]) -> None:
    """No group name can end the CEL string literal or escape from it: an accepted one means exactly itself."""
    try:
        NamespaceFence(Chart(App(), "c"), "Fence", reaper_group=group)
    except ValueError:
        return
    assert not any(c in group for c in "'\"\\\n") and not group.startswith("system:")
    assert evaluate(group_condition(group), {"request": {"userInfo": {"groups": [*others, group]}}})
    assert evaluate(group_condition(group), {"request": {"userInfo": {"groups": [o for o in others if o != group]}}}) is False


def test_the_access_binds_the_fences_group() -> None:
    app = App()
    fence = NamespaceFence(Chart(app, "fence"), "Fence", reaper_group="ci:reaper")
    chart = Chart(app, "access")
    PreviewReaperAccess(chart, "Access", fence=fence)
    (binding,) = by_kind(synth(chart), "ClusterRoleBinding")
    assert binding["subjects"][0]["name"] == "ci:reaper"
    policy = next(p for p in by_kind(synth(Chart.of(fence)), "ValidatingAdmissionPolicy")
                  if p["metadata"]["name"] == "cdk8s-django-preview-reaper")
    assert policy["spec"]["matchConditions"][0]["expression"] == "has(request.userInfo.groups) && 'ci:reaper' in request.userInfo.groups"

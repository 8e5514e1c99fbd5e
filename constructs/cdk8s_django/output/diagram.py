"""An architecture diagram per environment, in Mermaid, made from the chart's plan.

Staging and production differ exactly where the design says: in-cluster stores
sit inside the namespace box, managed stores outside it with their endpoint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._facts import EnvironmentFacts, facts

if TYPE_CHECKING:
    from ..components.chart import DjangoChart

__all__ = ["architecture_markdown"]


def _node_id(text: str) -> str:
    return "n_" + "".join(c if c.isalnum() else "_" for c in text)


def architecture_markdown(chart: DjangoChart) -> str:
    """The environment's Mermaid diagram: the load balancer, each workload, each store."""
    env: EnvironmentFacts = facts(chart)
    lines = [
        f"# {env.app} in {env.environment}: architecture",
        "",
        "Generated from the manifests in this folder by cdk8s-django; do not edit.",
        "",
        "```mermaid",
        "flowchart LR",
    ]
    if env.ingress_hosts:
        lines.append(f'  lb(["load balancer<br/>{env.ingress_class}: {", ".join(env.ingress_hosts)}"])')
    lines.append(f'  subgraph ns["namespace {env.namespace}"]')
    for workload in env.workloads:
        shape = ("[[", "]]") if workload.kind in ("Job", "CronJob") else ("[", "]")
        note = " (scales to zero)" if workload.name in env.scaled_to_zero else ""
        lines.append(f'    {_node_id(workload.name)}{shape[0]}"{workload.component}<br/>{workload.kind} {workload.name}{note}"{shape[1]}')
    for store in env.stores:
        if store.managed_host is None:
            lines.append(f'    {_node_id(store.service)}[("{store.title}<br/>in-cluster {store.workload} {store.service}")]')
        else:
            lines.append(f'    {_node_id(store.service)}{{{{"{store.service}<br/>ExternalName"}}}}')
    lines.append("  end")
    for store in env.stores:
        if store.managed_host is not None:
            lines.append(f'  {_node_id(store.managed_host)}[("{store.title}<br/>managed: {store.managed_host}")]')
            lines.append(f"  {_node_id(store.service)} -.-> {_node_id(store.managed_host)}")
    if env.ingress_hosts:
        lines += [f"  lb --> {_node_id(w.name)}" for w in env.workloads if w.descriptor.serves_traffic]
    for workload in env.workloads:
        for role in workload.stores:
            lines.append(f"  {_node_id(workload.name)} --> {_node_id(env.store(role).service)}")
    lines += ["```", ""]
    lines.append("| store | where |")
    lines.append("|---|---|")
    for store in env.stores:
        where = f"managed, `{store.managed_host}`" if store.managed_host else "in the cluster"
        lines.append(f"| `{store.service}` | {where} |")
    lines.append("")
    return "\n".join(lines)

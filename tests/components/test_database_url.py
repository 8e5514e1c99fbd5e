"""``DATABASE_URL`` carries any password: External Secrets writes it percent-encoded, the kubelet
substitutes it, dj-database-url reads the same password back.

Three stages, each emulated in Python from its source, so a test needs no cluster:
- ESO renders ``target.template`` (engine v2: Go's text/template with Go's and sprig's functions);
  ``urlquery`` is Go's ``url.QueryEscape``;
- the kubelet builds the container's environment: ``envFrom`` first, then ``env`` in order, each
  ``value`` expanded with ``$(VAR)`` (Kubernetes' ``third_party/forked/golang/expansion``);
- the app parses the URL: dj-database-url's ``parse`` when installed (it is not a dependency:
  its test runs only where it is), and always the same ``urllib.parse`` calls it makes.
"""

from __future__ import annotations

import shlex
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import pytest
from _k8s import find, synth
from cdk8s import App, Chart
from cdk8s_django import (
    AppRuntime,
    AwsSecret,
    AwsSecretsManager,
    DjangoApp,
    DjangoChart,
    Environment,
    GeneratedPassword,
    Managed,
    SecretKeyRef,
)
from cdk8s_django.model._contract import pod_env, secret_env, url_encoded_key
from cdk8s_django.model.options import Resources, StoreRole
from cdk8s_django.model.plan import resolve
from hypothesis import example, given, settings
from hypothesis import strategies as st

APP = DjangoApp(name="shop", image="registry.example.com/shop:1.4.2", settings_module="shop.settings")
PRODUCTION = Environment.production(
    postgres=Managed("shop.abc.eu-west-1.rds.amazonaws.com"), cache=Managed("cache.example.com"),
    broker=Managed("broker.example.com"), aws_secrets=AwsSecretsManager(),
)
STAGING = Environment.staging("qa")
# What breaks a raw password in a URL: the userinfo's end ('@', ':'), the path's, query's and fragment's
# starts, percent-escapes read back (%40 becomes '@'), a space, a '+' (urllib keeps it), non-ASCII, '$'.
HARD = ["a/b", "a?b", "a#b", "p%40ss", "p@ss:w rd", "a+b c", "ünï€", "$(DATABASE_HOST)", "$$x", "100%", "\\'\""]


# -- Go: url.QueryEscape and the template pipeline ESO runs ------------------------------------

def go_query_escape(text: str) -> str:
    """Go's ``url.QueryEscape``: per UTF-8 byte, letters, digits and ``-_.~`` stay, a space is ``+``,
    anything else ``%XX`` in upper-case hex (``shouldEscape`` with ``encodeQueryComponent``)."""
    out = []
    for byte in text.encode():
        char = chr(byte)
        if char.isascii() and (char.isalnum() or char in "-_.~"):
            out.append(char)
        elif char == " ":
            out.append("+")
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def _go_string(token: str) -> str:
    assert token.startswith('"') and token.endswith('"'), token
    return token[1:-1]


_GO_FUNCTIONS: dict[str, Callable[..., str]] = {
    "urlquery": lambda value: go_query_escape(value),               # text/template's builtin
    "replace": lambda old, new, value: value.replace(old, new),     # sprig: replace OLD NEW SRC
}


def render_go_template(template: str, data: Mapping[str, str]) -> str:
    """One ``{{ pipeline }}`` action as Go's text/template runs it: the first command's result is the last
    argument of the next. Supports what the library writes (``index . "key"``, ``urlquery``, ``replace``)
    and fails on anything else, so a template the emulation cannot read fails the test."""
    assert template.startswith("{{ ") and template.endswith(" }}") and template.count("{{") == 1, template
    value: str | None = None
    for command in template[3:-3].split("|"):
        words = shlex.split(command.strip(), posix=False)
        if words[0] == "index":
            assert value is None and words[1] == ".", command
            value = data[_go_string(words[2])]  # a missing key fails the render, as in ESO
        else:
            assert value is not None, command
            value = _GO_FUNCTIONS[words[0]](*(_go_string(w) for w in words[1:]), value)
    assert value is not None
    return value


def eso_secret_data(external_secret: dict[str, Any], provider: Mapping[str, str]) -> dict[str, str]:
    """The Secret ESO writes: the provider's keys (all of them without a template, or with
    ``mergePolicy: Merge``), then each template key rendered with the provider's data."""
    template = external_secret["spec"]["target"].get("template")
    if template is None:
        return dict(provider)
    assert template["engineVersion"] == "v2"
    data = dict(provider) if template.get("mergePolicy") == "Merge" else {}
    data.update({key: render_go_template(text, provider) for key, text in template["data"].items()})
    return data


# -- Kubernetes: the kubelet's $(VAR) expansion and container environment ------------------------

def kubelet_expand(value: str, env: Mapping[str, str]) -> str:
    """``expansion.Expand`` with ``MappingFuncFor(env)``: ``$(NAME)`` becomes NAME's value when defined,
    else stays ``$(NAME)``; ``$$`` is ``$``; ``$`` before anything else, an unclosed ``$(`` and a final
    ``$`` stay as they are. Substituted values are not scanned again."""
    out, i = [], 0
    while i < len(value):
        if value[i] != "$" or i + 1 == len(value):
            out.append(value[i])
            i += 1
            continue
        following = value[i + 1]
        end = value.find(")", i + 2) if following == "(" else -1
        if following == "$":
            out.append("$")
        elif end != -1:
            name = value[i + 2:end]
            out.append(env.get(name, f"$({name})"))
            i = end + 1
            continue
        else:
            out.append("$" + following)
        i += 2
    return "".join(out)


def container_env(container: dict[str, Any], config_maps: Mapping[str, Mapping[str, str]],
                  secrets: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """The kubelet's ``makeEnvironmentVariables``: ``envFrom`` sources in order, then ``env`` in order; a
    ``value`` is expanded against what is defined so far, a ``valueFrom`` Secret key is copied as it is."""
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env.update(config_maps[source["configMapRef"]["name"]])
        else:
            env.update(secrets[source["secretRef"]["name"]])
    for entry in container["env"]:
        if "value" in entry:
            env[entry["name"]] = kubelet_expand(entry["value"], env)
        elif "secretKeyRef" in entry["valueFrom"]:
            ref = entry["valueFrom"]["secretKeyRef"]
            env[entry["name"]] = secrets[ref["name"]][ref["key"]]
        else:
            env[entry["name"]] = "10.0.0.7"  # fieldRef: status.podIP
    return env


# -- the app: how dj-database-url reads a password ---------------------------------------------

def urllib_password(url: str) -> str:
    """The calls dj-database-url's ``parse`` makes for ``PASSWORD``: ``unquote(urlsplit(url).password)``."""
    return urllib.parse.unquote(urllib.parse.urlsplit(url).password or "")


# -- the emulations agree with their references ------------------------------------------------

def test_kubelet_expansion_follows_kubernetes_rules() -> None:
    env = {"A": "x", "EMPTY": ""}
    cases = {
        "$(A)": "x", "$(EMPTY)-": "-", "$(B)": "$(B)", "$$(A)": "$(A)", "$$$(A)": "$x", "$(A": "$(A", "a$": "a$",
        "$b": "$b", "$()": "$()", "$(A)$(A)": "xx", "$($(A))": "$($(A))",
    }
    assert {value: kubelet_expand(value, env) for value in cases} == cases


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.text())
def test_go_query_escape_is_python_quote_plus(text: str) -> None:
    assert go_query_escape(text) == urllib.parse.quote_plus(text, safe="")


def test_urlquery_alone_does_not_round_trip_a_space() -> None:
    """Why the template replaces '+': dj-database-url reads the userinfo with ``unquote``, not ``unquote_plus``."""
    assert urllib_password(f"postgres://u:{go_query_escape('a b')}@h/d") == "a+b"
    assert urllib_password(f"postgres://u:{go_query_escape('a b').replace('+', '%20')}@h/d") == "a b"


# -- the ESO constructs write the encoded key ----------------------------------------------------

RUNTIME = AppRuntime(app="shop", namespace="shop-qa", image="shop:1", settings_module="shop.settings")


def _external_secret(build: Any) -> dict[str, Any]:
    chart = Chart(App(), "c")
    build(chart)
    return next(d for d in synth(chart) if d["kind"] == "ExternalSecret")


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.text(st.characters(codec="utf-8"), min_size=1))
@example("p@ss/w?rd#%40 +")
def test_aws_secret_writes_the_password_url_encoded(password: str) -> None:
    spec = _external_secret(lambda c: AwsSecret(c, "Db", runtime=RUNTIME, name="shop-database", store=AwsSecretsManager(),
                                                 remote_key="shop/production/database", url_encode="password"))
    data = eso_secret_data(spec, {"password": password, "username": "shop"})
    assert data["password"] == password and data["username"] == "shop"  # Merge: the remote keys stay
    encoded = data[url_encoded_key("password")]
    assert set(encoded) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~%")
    assert urllib_password(f"postgres://shop:{encoded}@h:5432/shop") == password


def test_generated_password_writes_both_keys() -> None:
    spec = _external_secret(lambda c: GeneratedPassword(c, "Db", runtime=RUNTIME, name="shop-database"))
    target = spec["spec"]["target"]
    assert target["template"] == {
        "engineVersion": "v2", "mergePolicy": "Merge",
        "data": {"password-urlencoded": '{{ index . "password" | urlquery | replace "+" "%20" }}'},
    }
    assert eso_secret_data(spec, {"password": "Ab12cd34"}) == {"password": "Ab12cd34", "password-urlencoded": "Ab12cd34"}


def test_an_aws_secret_without_url_encode_has_no_template() -> None:
    spec = _external_secret(lambda c: AwsSecret(c, "S", runtime=RUNTIME, name="shop-django", store=AwsSecretsManager(),
                                                 remote_key="shop/production/shop-django"))
    assert "template" not in spec["spec"]["target"]


# -- the contract's env, end to end through the kubelet -----------------------------------------

def _runtime_env(environment: Environment, password: str, *, url_encoded: bool) -> dict[str, str]:
    """The web container's environment, from the plan's ConfigMap values and the contract's env,
    with the database Secret as ESO (``url_encoded``) or the user wrote it."""
    plan = resolve("qa", APP, environment)
    ref = plan.database_password
    runtime = AppRuntime(
        app="shop", namespace=plan.namespace, image=plan.image, settings_module="shop.settings", env_config_map="shop-env",
        secret_env=secret_env(APP, ref, url_encoded=url_encoded),
        pod_env=pod_env(APP, environment, plan.namespace, plan.stores[StoreRole.POSTGRES], url_encoded=url_encoded),
    )
    secret = {ref.key: password}
    if url_encoded:
        spec = _external_secret(lambda c: AwsSecret(c, "Db", runtime=runtime, name=ref.name, store=AwsSecretsManager(),
                                                     remote_key="k", url_encode=ref.key))
        template = spec["spec"]["target"]["template"]
        secret = eso_secret_data({"spec": {"target": {"template": template}}}, secret)
    container = runtime.container("web", ["gunicorn"], resources=Resources(cpu="100m", memory="256Mi"))
    return container_env(container, {"shop-env": dict(plan.config_env)}, {ref.name: secret})


@pytest.mark.parametrize("environment", [STAGING, PRODUCTION], ids=["staging", "production"])
@pytest.mark.parametrize("password", HARD)
def test_database_url_carries_any_password_from_eso(environment: Environment, password: str) -> None:
    env = _runtime_env(environment, password, url_encoded=True)
    url = env["DATABASE_URL"]
    assert urllib_password(url) == password
    split = urllib.parse.urlsplit(url)
    assert (split.username, split.hostname, split.port, split.path) == ("shop", "shop-postgres", 5432, "/shop")
    assert urllib.parse.parse_qs(split.query)["sslmode"] == [env["DATABASE_SSLMODE"]]


@pytest.mark.parametrize("password", ["a/b", "a?b", "a#b", "p%40ss"])
def test_a_raw_password_breaks_the_url(password: str) -> None:
    """The limit the README states for a Secret of the user's own: the kubelet copies it into the URL raw."""
    url = _runtime_env(STAGING, password, url_encoded=False)["DATABASE_URL"]
    assert urllib_password(url) != password


def test_a_url_safe_raw_password_still_works() -> None:
    assert urllib_password(_runtime_env(STAGING, "Ab-12_c.d~", url_encoded=False)["DATABASE_URL"]) == "Ab-12_c.d~"


def test_dj_database_url_reads_the_password_back() -> None:
    dj_database_url = pytest.importorskip("dj_database_url")
    for password in HARD:
        config = dj_database_url.parse(_runtime_env(PRODUCTION, password, url_encoded=True)["DATABASE_URL"])
        assert (config["PASSWORD"], config["USER"], config["HOST"], config["NAME"]) == (password, "shop", "shop-postgres", "shop")
        assert config["OPTIONS"]["sslmode"] == "verify-ca"


# -- the same through DjangoChart (needs the plan's wiring: see the module's report) --------------

def _chart_env(environment: Environment, password: str) -> dict[str, str]:
    docs = synth(DjangoChart(App(), environment.name, django_app=APP, environment=environment))
    web = find(docs, "Deployment", "shop-web")["spec"]["template"]["spec"]["containers"][0]
    config = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("shop-env"))
    external = find(docs, "ExternalSecret", "shop-database")
    secret = eso_secret_data(external, {"password": password})
    return container_env(web, {config["metadata"]["name"]: config["data"]}, {"shop-database": secret})


@pytest.mark.parametrize("environment", [STAGING, PRODUCTION], ids=["staging", "production"])
def test_a_chart_database_url_carries_any_password(environment: Environment) -> None:
    for password in HARD:
        assert urllib_password(_chart_env(environment, password)["DATABASE_URL"]) == password


def test_a_user_secret_is_referenced_raw() -> None:
    environment = replace(STAGING, generate_database_password=False, database_password=SecretKeyRef("shop-db", "pw"))
    docs = synth(DjangoChart(App(), "qa", django_app=APP, environment=environment))
    web = find(docs, "Deployment", "shop-web")["spec"]["template"]["spec"]["containers"][0]
    env = {entry["name"]: entry for entry in web["env"]}
    assert "DATABASE_PASSWORD_URLENCODED" not in env
    assert "$(DATABASE_PASSWORD)@" in env["DATABASE_URL"]["value"]

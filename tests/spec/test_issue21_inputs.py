"""Issue 21 §6: inputs that passed silently, each now refused with its exact message."""

from __future__ import annotations

from dataclasses import replace

import pytest
from cdk8s import App

import main
from cdk8s_django import ConfigError, DjangoChart, Environment

QA = main.environments[0]


def _error(build) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError) as raised:
        build()
    return str(raised.value)


def _chart(environment: Environment, app: App | None = None, django_app=main.shop) -> DjangoChart:  # type: ignore[no-untyped-def]
    return DjangoChart(app or App(), environment.name, django_app=django_app, environment=environment)


def test_a_staging_environment_named_production_is_refused() -> None:
    assert _error(lambda: _chart(Environment.staging("production"))) == (
        "production: invalid environment.name='production': expected a staging name other than production's (it would get"
        " production's namespace without its checks). Fix: use Environment.production(...) for production, or another name"
        " for staging")


def test_a_host_twice_in_one_environment_is_refused() -> None:
    twice = replace(QA, hosts=("qa.staging.shop.example.com", "qa.staging.shop.example.com"))
    assert _error(lambda: _chart(twice)) == (
        "qa: invalid environment.hosts=('qa.staging.shop.example.com', 'qa.staging.shop.example.com'): expected each host"
        " once ('qa.staging.shop.example.com' twice would give duplicate Ingress rules, DNS records and CSRF origins)."
        " Fix: drop the second 'qa.staging.shop.example.com'")


def test_a_host_of_another_environment_of_the_app_is_refused_and_forgotten_with_its_chart() -> None:
    app = App()
    _chart(QA, app)
    assert _error(lambda: _chart(replace(QA, name="qa2"), app)) == (
        "qa2: invalid environment.hosts=('qa.staging.shop.example.com',): expected hosts of this environment's own"
        " (environment 'qa' already serves 'qa.staging.shop.example.com' on ALB group 'shop-staging': two rules of one load balancer, one name). Fix: drop"
        " 'qa.staging.shop.example.com' from one of the two environments")
    _chart(replace(QA, name="qa3", hosts=("qa3.staging.shop.example.com",)), app)  # the failed chart left nothing behind


def test_an_idn_host_is_refused_with_its_punycode() -> None:
    idn = replace(QA, hosts=("bücher.staging.shop.example.com",))
    assert _error(lambda: _chart(idn)) == (
        "qa/Web: invalid environment.hosts[0]='bücher.staging.shop.example.com': expected an ASCII host name: an"
        " internationalised (IDN) name in its punycode form. Fix: use 'xn--bcher-kva.staging.shop.example.com'")


def test_a_config_map_over_1_mib_is_refused_before_anything_is_written() -> None:
    big = replace(main.shop, config_files={"data.json": "x" * (1024 * 1024)})
    assert _error(lambda: _chart(QA, django_app=big)) == (
        "qa/Config: invalid django_app.config_files='<1048661 bytes>': expected at most 1048576 bytes in all (1 MiB, the API server's limit"
        " for a ConfigMap). Fix: move large content into the image or object storage")


NO_CELERY = replace(main.shop, workers=(), beat=False)


def test_an_app_without_celery_gets_no_broker_anywhere() -> None:
    """No worker and no beat: no broker StatefulSet, volume, Service, policy, URL, notes or diagram line."""
    from cdk8s_django.testing import synth

    chart = _chart(Environment.staging("qa"), django_app=NO_CELERY)
    docs = synth(chart)
    names = {(d["kind"], d["metadata"]["name"]) for d in docs}
    assert not [n for n in names if "broker" in n[1] or "rabbitmq" in n[1]], names
    assert ("StatefulSet", "shop-redis-cache") in names and ("StatefulSet", "shop-postgres") in names
    config = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "shop-env")["data"]
    assert "CELERY_BROKER_URL" not in config and config["CACHE_URL"] == "redis://shop-redis-cache:6379/0"
    assert chart.plan.broker is None and "broker" not in " ".join(chart.stores)
    assert [s.component for s in chart.plan.stores.values()] == ["postgres", "redis-cache"]


def test_production_without_celery_says_broker_none() -> None:
    from cdk8s_django.testing import synth

    production = replace(main.environments[2], broker=None)
    docs = synth(_chart(production, django_app=NO_CELERY))
    config = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "shop-env")["data"]
    assert "CELERY_BROKER_URL" not in config and config["CACHE_URL"].startswith("rediss://")
    assert not [d for d in docs if "broker" in d["metadata"]["name"]]


def test_a_broker_given_to_an_app_without_celery_is_refused() -> None:
    from cdk8s_django.stores import RabbitMQ

    assert _error(lambda: _chart(Environment.staging("qa", broker=RabbitMQ()), django_app=NO_CELERY)) == (
        "qa: invalid environment.broker=RabbitMQ(host=None, port=None, tls=True, vhost='/', username=None, password=None,"
        " storage=None, storage_class='gp3', image=None, consumer_timeout=None): expected None: the app runs no Celery"
        " worker and no beat, so nothing would read the broker. Fix: leave broker= out (or pass broker=None), or add"
        " a Worker to django_app.workers")


def test_no_broker_for_an_app_that_runs_celery_is_refused() -> None:
    beat_only = replace(main.shop, workers=())
    assert _error(lambda: _chart(Environment.staging("qa", broker=None), django_app=beat_only)) == (
        "qa: invalid environment.broker=None: expected a broker: the app runs Celery (beat). Fix: pass"
        " broker=Managed(host=...) in production, or leave it out in staging (an in-cluster Redis)")
    assert _chart(Environment.staging("qa"), django_app=beat_only).plan.broker is not None  # beat alone needs one


def test_a_chart_id_other_than_the_environment_is_refused() -> None:
    """dist/staging/ holding namespace shop-qa would mislead whoever applies the folder."""
    assert _error(lambda: DjangoChart(App(), "staging", django_app=main.shop, environment=QA)) == (
        "staging: invalid id='staging': expected the environment's name 'qa' (or its namespace 'shop-qa', for two apps in"
        " one App): the id names the folder dist/<id>/ that holds the environment. Fix: pass 'qa' (environment.name)")


def test_two_apps_in_one_app_name_their_charts_by_namespace() -> None:
    app = App()
    blog = replace(main.shop, name="blog")
    names = [DjangoChart(app, f"{a.name}-qa", django_app=a, environment=Environment.staging("qa")).namespace_name
             for a in (main.shop, blog)]
    assert names == ["shop-qa", "blog-qa"]


def test_an_object_over_the_annotation_limit_turns_the_notes_to_a_server_side_apply(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Under 1 MiB a ConfigMap is written, but over 262,144 bytes client-side `kubectl apply` fails on its
    last-applied annotation: the notes say so, name the file and apply server-side."""
    import cdk8s_django

    big = replace(main.shop, config_files={"rules.json": "[" + "1," * 150_000 + "1]"})
    app = cdk8s_django.App(outdir=str(tmp_path / "dist"))
    DjangoChart(app, "qa", django_app=big, environment=Environment.staging("qa"))
    DjangoChart(app, "demo", django_app=replace(main.shop, name="blog"), environment=Environment.staging("demo"))
    rendered = app.render()
    notes = rendered["qa"]["NOTES.md"]
    assert ("**Apply server-side.** `09-configmap-shop-files.yaml` is 300," in notes
            and "over the 262,144 bytes the API server allows an object's annotations" in notes
            and "it carries `argocd.argoproj.io/sync-options: ServerSideApply=true`" in notes), notes
    assert f"kubectl apply --server-side -f {tmp_path / 'dist'}/qa/\n" in notes
    assert "--prune -l" not in notes and "`kubectl apply --prune` does not work with `--server-side`" in notes  # kubectl refuses both
    files = rendered["qa"]["09-configmap-shop-files.yaml"]
    assert "argocd.argoproj.io/sync-options: ServerSideApply=true" in files
    assert "sync-options" not in rendered["qa"]["09-configmap-shop-env.yaml"]  # only the object over the limit
    demo = rendered["demo"]["NOTES.md"]
    assert "--server-side" not in demo and "Apply server-side" not in demo and " --prune -l app.kubernetes.io/name=blog" in demo


def test_the_annotation_size_is_counted_as_kubectl_writes_it() -> None:
    """Go's encoding/json: UTF-8 as is (é is 2 bytes, not a 6-byte escape), and <, > and & escaped to 6 bytes."""
    from cdk8s_django.output.notes import last_applied_size

    base = last_applied_size({"data": {"f": ""}})
    assert last_applied_size({"data": {"f": "é" * 1000}}) == base + 2000
    assert last_applied_size({"data": {"f": "<a>&" * 1000}}) == base + 4000 + 5 * 3000
    assert base == len('{"data":{"f":""}}') + 1 + len("kubectl.kubernetes.io/last-applied-configuration")


@pytest.mark.parametrize("strategy", [name for name, _ in __import__("specgen")._ISSUE21_INVALID])
def test_each_issue21_strategy_is_refused_naming_the_prop_exactly(strategy: str) -> None:
    """The fuzz's strategy per class of issue 21: on random valid specs, the error names the prop as typed."""
    import random

    import specgen

    mutate = dict(specgen._ISSUE21_INVALID)[strategy]
    for seed in range(40):
        rng = random.Random(seed)
        app, env = specgen._valid_spec(rng)
        env = specgen._roomy(app, env)
        app, env, prop = mutate(rng, app, env)
        with pytest.raises(ConfigError) as raised:
            DjangoChart(App(), env.name, django_app=app, environment=env)
        assert raised.value.prop == prop, f"seed {seed}: {raised.value}"


def test_production_asks_for_a_broker_only_when_the_app_runs_celery() -> None:
    from cdk8s_django import Managed

    stores = {"postgres": Managed("db.example.com"), "cache": Managed("cache.example.com")}
    assert _error(lambda: _chart(Environment.production(**stores))) == (
        "production: invalid environment.broker=UNSET: expected a managed broker: the app runs Celery (Worker('worker'),"
        " Worker('worker-emails'), beat). Fix: pass broker=Managed(host=...) (ElastiCache) or"
        " broker=RabbitMQ(host=..., password=...) (Amazon MQ)")
    assert _chart(Environment.production(**stores), django_app=NO_CELERY).plan.broker is None


def test_a_broker_of_the_wrong_type_for_an_app_without_celery_is_refused_as_unused() -> None:
    """Not "pass InCluster(...) or Managed(...)": each of those would be refused too."""
    assert _error(lambda: _chart(Environment.staging("qa", broker="redis"), django_app=NO_CELERY)) == (  # type: ignore[arg-type]
        "qa: invalid environment.broker='redis': expected None: the app runs no Celery worker and no beat, so nothing"
        " would read the broker. Fix: leave broker= out (or pass broker=None), or add a Worker to django_app.workers")


def test_a_second_apps_environment_of_the_same_name_is_told_to_use_its_namespace() -> None:
    """The fix must work: 'qa' is taken by the first app, so the suggestion is the namespace, which is free."""
    app = App()
    DjangoChart(app, "qa", django_app=replace(main.shop, name="blog"), environment=Environment.staging("qa"))
    assert _error(lambda: DjangoChart(app, "staging", django_app=main.shop, environment=Environment.staging("qa"))).endswith(
        "Fix: pass 'shop-qa' (the namespace: 'qa' is another app's)")
    assert _error(lambda: DjangoChart(app, "qa", django_app=main.shop, environment=Environment.staging("qa"))).endswith(
        "Fix: pass 'shop-qa' (the environment's namespace) for a second app's 'qa'")
    assert DjangoChart(app, "shop-qa", django_app=main.shop, environment=Environment.staging("qa")).namespace_name == "shop-qa"

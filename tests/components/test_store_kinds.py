"""The store kinds beyond Postgres and Redis: RabbitMQ as the broker, Memcached as the cache (issue 20 §3, §4).

What the manifests say, each bad input's exact message, and the registry as the one place a kind is named.
make e2e runs dist/demo/ (RabbitMQ and Memcached in the cluster) with Debian's servers.
"""

from __future__ import annotations

import dataclasses

import pytest
from cdk8s import App
from cdk8s_django import (
    ConfigError,
    DjangoApp,
    DjangoChart,
    Environment,
    InCluster,
    Managed,
    QueueAutoscaling,
    SecretKeyRef,
    Worker,
)
from cdk8s_django.stores import KINDS, Memcached, RabbitMQ, kind_of
from cdk8s_django.testing import by_kind, find, synth

APP = DjangoApp(name="shop", image="registry.example.com/shop:1.4.2", settings_module="shop.settings",
                workers=(Worker(name="worker", queues=("default",), task_time_limit=1500),))
PRODUCTION = {"postgres": Managed("db.example.com")}
AMAZON_MQ = "b-1234.mq.eu-west-1.amazonaws.com"


def chart(environment: Environment, app: DjangoApp = APP) -> list[dict]:  # type: ignore[type-arg]
    return synth(DjangoChart(App(), environment.name, django_app=app, environment=environment))


def error(environment_factory) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError) as raised:
        chart(environment_factory())
    return str(raised.value)


def test_an_in_cluster_rabbitmq_runs_on_its_own_volume_with_a_generated_password() -> None:
    docs = chart(Environment.staging("qa", broker=RabbitMQ(storage_class="gp2")))
    stateful_set = find(docs, "StatefulSet", "shop-rabbitmq")
    (claim,) = stateful_set["spec"]["volumeClaimTemplates"]
    assert (claim["spec"]["resources"]["requests"]["storage"], claim["spec"]["storageClassName"]) == ("1Gi", "gp2")
    container = stateful_set["spec"]["template"]["spec"]["containers"][0]
    assert container["image"].startswith("rabbitmq:3.13-management@sha256:")
    env = {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}
    assert env["RABBITMQ_DEFAULT_USER"] == "shop"
    assert env["RABBITMQ_DEFAULT_PASS"] == {"secretKeyRef": {"name": "shop-rabbitmq", "key": "password"}}
    # The Service speaks AMQP alone: management (15672) is reached with kubectl port-forward, never a Service.
    assert [p["port"] for p in find(docs, "Service", "shop-rabbitmq")["spec"]["ports"]] == [5672]
    policy = find(docs, "NetworkPolicy", "shop-rabbitmq")["spec"]
    assert [p["port"] for rule in policy["ingress"] for p in rule["ports"]] == [5672]
    secret = find(docs, "ExternalSecret", "shop-rabbitmq")["spec"]
    assert secret["refreshPolicy"] == "CreatedOnce" and secret["target"]["template"]["data"]["username"] == "shop"
    web = find(docs, "Deployment", "shop-web")["spec"]["template"]["spec"]["containers"][0]
    web_env = {e["name"]: e.get("value", e.get("valueFrom")) for e in web["env"]}
    assert web_env["CELERY_BROKER_PASSWORD"] == {"secretKeyRef": {"name": "shop-rabbitmq", "key": "password-urlencoded"}}
    assert web_env["CELERY_BROKER_URL"] == "amqp://shop:$(CELERY_BROKER_PASSWORD)@shop-rabbitmq:5672/%2F"
    names = [e["name"] for e in web["env"]]
    assert names.index("CELERY_BROKER_PASSWORD") < names.index("CELERY_BROKER_URL")  # the kubelet expands earlier ones only
    assert "CELERY_BROKER_URL" not in find(docs, "ConfigMap", "shop-env")["data"]


def test_rabbitmqs_consumer_timeout_outlasts_the_longest_task() -> None:
    """RabbitMQ's 30-minute default closes a consumer's channel under acks_late: the task would run twice."""
    long_app = dataclasses.replace(APP, workers=(Worker(name="worker", task_time_limit=3600),))
    conf = find(chart(Environment.staging("qa", broker=RabbitMQ()), long_app), "ConfigMap", "shop-rabbitmq")["data"]["rabbitmq.conf"]
    assert "consumer_timeout = 7200000" in conf.splitlines()
    conf = find(chart(Environment.staging("qa", broker=RabbitMQ())), "ConfigMap", "shop-rabbitmq")["data"]["rabbitmq.conf"]
    assert "consumer_timeout = 3000000" in conf.splitlines()  # twice 1500 s
    assert error(lambda: Environment.staging("qa", broker=RabbitMQ(consumer_timeout=1200))) == (
        "qa/Broker: invalid environment.broker.consumer_timeout=1200: expected more than the longest task time limit"
        " (1500 s): a task still running then is redelivered and runs twice. Fix: use 3000 or leave it out")


def test_amazon_mq_is_amqps_on_5671_through_the_alias() -> None:
    env = Environment.production(**PRODUCTION, cache=Managed("cache.example.com"),
                                 broker=RabbitMQ(host=AMAZON_MQ, vhost="shop", password=SecretKeyRef("shop-broker", "password")))
    docs = chart(env)
    service = find(docs, "Service", "shop-rabbitmq")["spec"]
    assert (service["type"], service["externalName"], service["ports"][0]["port"]) == ("ExternalName", AMAZON_MQ, 5671)
    assert not by_kind(docs, "StatefulSet") or all(d["metadata"]["name"] != "shop-rabbitmq" for d in by_kind(docs, "StatefulSet"))
    web = find(docs, "Deployment", "shop-web")["spec"]["template"]["spec"]["containers"][0]
    env_vars = {e["name"]: e.get("value", e.get("valueFrom")) for e in web["env"]}
    assert env_vars["CELERY_BROKER_URL"] == "amqps://shop:$(CELERY_BROKER_PASSWORD)@shop-rabbitmq:5671/shop"
    assert env_vars["CELERY_BROKER_PASSWORD"] == {"secretKeyRef": {"name": "shop-broker", "key": "password"}}


def test_keda_scales_on_the_rabbitmq_queue_with_the_brokers_credentials() -> None:
    docs = chart(Environment.staging("qa", broker=RabbitMQ(), worker_autoscaling=QueueAutoscaling()))
    (trigger,) = find(docs, "ScaledObject", "shop-worker")["spec"]["triggers"]
    assert trigger == {"type": "rabbitmq", "authenticationRef": {"name": "shop-worker-keda"}, "metadata": {
        "protocol": "amqp", "mode": "QueueLength", "value": "20", "queueName": "default",
        "host": "amqp://shop-rabbitmq.shop-qa.svc:5672/%2F"}}
    keda = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "keda"}}}
    assert keda in [peer for rule in find(docs, "NetworkPolicy", "shop-rabbitmq")["spec"]["ingress"] for peer in rule["from"]]


def test_an_in_cluster_memcached_is_a_deployment_whose_item_memory_fits_its_limit() -> None:
    docs = chart(Environment.staging("qa", cache=Memcached()))
    deployment = find(docs, "Deployment", "shop-memcached")["spec"]
    pod = deployment["spec"] if "spec" in deployment else deployment["template"]["spec"]
    pod = deployment["template"]["spec"]
    (container,) = pod["containers"]
    command = container["command"]
    limit = container["resources"]["limits"]["memory"]
    assert limit == "96Mi" and command[command.index("-m") + 1] == "72"  # 75% of the staging limit, in MiB
    assert command[command.index("-U") + 1] == "0"  # no UDP listener
    assert all("persistentVolumeClaim" not in v for v in pod["volumes"])
    assert all(d["metadata"]["name"] != "shop-memcached" for d in by_kind(docs, "StatefulSet"))
    assert find(docs, "ConfigMap", "shop-env")["data"]["CACHE_URL"] == "pymemcache://shop-memcached:11211"


def test_elasticache_for_memcached_keeps_its_port_and_asks_for_tls_when_told() -> None:
    env = Environment.production(**PRODUCTION, broker=Managed("broker.example.com"),
                                 cache=Memcached(host="shop.abc.cfg.euw1.cache.amazonaws.com", tls=True))
    docs = chart(env)
    assert find(docs, "ConfigMap", "shop-env")["data"]["CACHE_URL"] == "pymemcache://shop-memcached:11211?tls=true"
    assert find(docs, "Service", "shop-memcached")["spec"]["externalName"] == "shop.abc.cfg.euw1.cache.amazonaws.com"


@pytest.mark.parametrize(("make", "message"), [
    (lambda: Environment.staging("qa", cache=RabbitMQ()),  # type: ignore[arg-type]
     "qa: invalid environment.cache=RabbitMQ(host=None, port=None, tls=True, vhost='/', username=None, password=None,"
     " storage=None, storage_class='gp3', image=None, consumer_timeout=None): expected InCluster(...) or Managed(...)"
     " or Memcached(...). Fix: pass InCluster(...) or Managed(...) or Memcached(...)"),
    (lambda: Environment.staging("qa", broker=Memcached()),  # type: ignore[arg-type]
     "qa: invalid environment.broker=Memcached(host=None, port=None, tls=False, image=None): expected InCluster(...) or"
     " Managed(...) or RabbitMQ(...) or None. Fix: pass InCluster(...) or Managed(...) or RabbitMQ(...)"),
    (lambda: Environment.production(**PRODUCTION, broker=Managed("broker.example.com"),
                                    cache=Memcached(host="cache.example.com", port=6379)),
     "qa: invalid environment.cache.port=6379: expected Memcached's port (11211): 6379 is Redis's. Fix: drop port= for"
     " 11211, or use Managed(host) for an ElastiCache Redis"),
    (lambda: Environment.staging("qa", broker=RabbitMQ(vhost="shop/prod")),
     "qa: invalid environment.broker.vhost='shop/prod': expected '/' or a name of letters, digits, '_', '.' and '-'"
     " (at most 64). Fix: use '/' or e.g. 'shop'"),
    (lambda: Environment.production(**PRODUCTION, cache=Managed("cache.example.com"), broker=RabbitMQ(host=AMAZON_MQ)),
     "qa: invalid environment.broker.password=None: expected the Secret key with Amazon MQ's password (a managed broker's"
     " password is not generated). Fix: pass RabbitMQ(host='b-1234.mq.eu-west-1.amazonaws.com',"
     " password=SecretKeyRef('<secret>', 'password'))"),
    (lambda: Environment.production(**PRODUCTION, cache=Managed("cache.example.com"),
                                    broker=RabbitMQ(host=AMAZON_MQ, storage="5Gi", password=SecretKeyRef("b", "p"))),
     "qa: invalid environment.broker.storage='5Gi': expected no storage with host= (it is an option of the in-cluster"
     " RabbitMQ; Amazon MQ sets its own). Fix: drop storage=, or host= to run RabbitMQ in the cluster"),
    (lambda: Environment.production(**PRODUCTION, cache=Managed("cache.example.com"), broker=RabbitMQ()),
     "qa: invalid environment.broker=RabbitMQ(host=None, port=None, tls=True, vhost='/', username=None, password=None,"
     " storage=None, storage_class='gp3', image=None, consumer_timeout=None): expected a Managed store in production"
     " (in-cluster stores are for throwaway staging). Fix: pass broker=Managed('<endpoint host name>')"),
])
def test_a_kind_in_the_wrong_place_is_refused_naming_the_prop(make, message: str) -> None:  # type: ignore[no-untyped-def]
    env = make()
    with pytest.raises(ConfigError) as raised:
        synth(DjangoChart(App(), "qa", django_app=APP, environment=dataclasses.replace(env, name="qa")))
    assert str(raised.value) == message


def test_an_option_a_kind_does_not_have_is_a_config_error_not_ignored() -> None:
    with pytest.raises(ConfigError) as raised:
        Memcached(storage="5Gi")  # type: ignore[call-arg]
    assert str(raised.value) == ("Memcached: invalid storage='5Gi': expected an option of Memcached: one of host, port, tls, image."
                                 " Fix: drop storage=, which Memcached does not have")
    with pytest.raises(ConfigError) as raised:
        RabbitMQ("b-1.mq.example.com")  # type: ignore[misc]
    assert "expected keyword options" in str(raised.value)


def test_each_kind_is_declared_once_and_names_its_own_components() -> None:
    """The registry: every kind's roles, ports and defaults come from its descriptor; InCluster()/Managed() mean the
    role's usual kind."""
    assert [k.name for k in KINDS] == ["postgres", "redis", "rabbitmq", "memcached"]
    assert {kind.name: dict(kind.roles) for kind in KINDS if kind.name in ("rabbitmq", "memcached")} == {
        "rabbitmq": {k: "rabbitmq" for k in kind_of.__globals__["StoreRole"] if k.name == "BROKER"},
        "memcached": {k: "memcached" for k in kind_of.__globals__["StoreRole"] if k.name == "CACHE"},
    }
    for kind in KINDS:
        assert "@sha256:" in kind.image or kind.name in ("postgres", "redis")  # the two older defaults are pinned tags
    assert kind_of(next(iter(KINDS[1].roles)), InCluster()).name == "redis"


def test_the_readme_shows_the_registrys_contract_table() -> None:
    from pathlib import Path

    from cdk8s_django.stores import contract_table

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert contract_table() in readme


def test_amazon_mqs_password_comes_from_aws_secrets_manager_url_encoded_with_aws_secrets() -> None:
    """With aws_secrets, ESO copies the broker's Secret and writes the password URL-encoded beside it: the URL reads that
    (a raw '@' or '/' would break it); KEDA reads the raw one."""
    from cdk8s_django import AwsSecretsManager

    env = Environment.production(**PRODUCTION, cache=Managed("cache.example.com"), aws_secrets=AwsSecretsManager(),
                                 broker=RabbitMQ(host=AMAZON_MQ, password=SecretKeyRef("shop-broker", "password")),
                                 worker_autoscaling=QueueAutoscaling(min_replicas=2))
    docs = chart(env)
    external = find(docs, "ExternalSecret", "shop-broker")["spec"]
    assert external["dataFrom"] == [{"extract": {"key": "shop/production/shop-broker"}}]
    assert "password-urlencoded" in external["target"]["template"]["data"]
    web = find(docs, "Deployment", "shop-web")["spec"]["template"]["spec"]["containers"][0]
    env_vars = {e["name"]: e.get("valueFrom") for e in web["env"]}
    assert env_vars["CELERY_BROKER_PASSWORD"] == {"secretKeyRef": {"name": "shop-broker", "key": "password-urlencoded"}}
    assert find(docs, "TriggerAuthentication", "shop-worker-keda")["spec"]["secretTargetRef"] == [
        {"parameter": "password", "name": "shop-broker", "key": "password"}]
    with pytest.raises(ConfigError) as raised:
        chart(dataclasses.replace(env, broker=RabbitMQ(host=AMAZON_MQ, password=SecretKeyRef("shop-database", "mq"))))
    assert str(raised.value) == (
        "production/Secrets: invalid environment.broker.password.name='shop-database': expected a Secret of the store's own (ESO"
        " writes it with the password URL-encoded beside it). Fix: use SecretKeyRef('shop-rabbitmq', 'mq')")

"""Exact error messages: one case at least per validation rule (cases in cases.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cases import CASES
from conftest import ROOT

EXPECTED = {
    'app-name-starts-with-digit': (
        "qa: invalid django_app.name='1shop': expected a name starting with a letter (it prefixes Service names, which are RFC 1035 labels). Fix: prefix it with a letter, e.g. 'app-1shop'"
    ),
    'cidr-bare-address': (
        "qa/NetworkPolicies: invalid access.load_balancer_cidrs='10.0.0.1': expected a CIDR in prefix form with no host bits set, such as '10.0.1.0/24'. Fix: give the subnet's CIDR block (for one address, '10.0.0.1/32')"
    ),
    'cidr-netmask-form': (
        "qa/NetworkPolicies: invalid access.load_balancer_cidrs='10.0.0.0/255.255.255.0': expected a CIDR in prefix form with no host bits set, such as '10.0.1.0/24'. Fix: give the subnet's CIDR block (for one address, '10.0.0.1/32')"
    ),
    'cidr-host-bits': (
        "qa/NetworkPolicies: invalid access.load_balancer_cidrs='10.0.0.1/24': expected a CIDR in prefix form with no host bits set, such as '10.0.1.0/24'. Fix: give the subnet's CIDR block (for one address, '10.0.0.1/32')"
    ),
    'resources-negative': (
        "qa/Web: invalid resources.cpu='-100m': expected a quantity of zero or more. Fix: drop the sign; write e.g. '10Gi'"
    ),
    'resources-exbibyte': (
        "c/Worker: invalid resources.memory_limit='1Mi': expected at least the memory request (1Ei). Fix: raise memory_limit or lower memory"
    ),
    'storage-zero': (
        "qa/Postgres: invalid storage='0': expected a quantity above zero. Fix: drop the sign; write e.g. '10Gi'"
    ),
    'config-file-dotdot': (
        "qa/Config: invalid files='..data': expected a key of letters, digits, '-', '_' and '.', at most 253 characters, not '.' and not starting with '..'. Fix: rename it (names starting with '..' are the kubelet's own)"
    ),
    'config-file-too-long': (
        "qa/Config: invalid files='aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa': expected a key of letters, digits, '-', '_' and '.', at most 253 characters, not '.' and not starting with '..'. Fix: rename it (names starting with '..' are the kubelet's own)"
    ),
    'secret-ref-bad-name': (
        "qa: invalid environment.database_password.name='Shop_DB': expected an RFC 1123 subdomain of at most 253 characters (lower-case labels joined by '.'). Fix: use lower-case letters, digits, '-' and '.'"
    ),
    'secret-ref-bad-key': (
        "qa: invalid environment.database_password.key='pass word': expected a key of letters, digits, '-', '_' and '.', at most 253 characters, not '.' and not starting with '..'. Fix: rename it (names starting with '..' are the kubelet's own)"
    ),
    'hosts-a-string': (
        "qa: invalid environment.hosts='qa.example.com': expected a tuple of strings. Fix: pass a tuple of strings"
    ),
    'ingress-a-string': (
        "qa: invalid environment.ingress='alb': expected IngressOptions(...) or None. Fix: pass IngressOptions(...) or None"
    ),
    'resources-a-list': (
        "qa: invalid environment.resources['web']=['100m', '256Mi']: expected Resources(...). Fix: pass Resources(...)"
    ),
    'two-environments-one-name': (
        "qa: invalid id='qa': expected an id unique within its scope. Fix: give each environment its own name (the chart id and dist/ folder)"
    ),
    'cron-python-manage-py': (
        "qa: invalid django_app.cron['report'].command=('python', 'manage.py', 'send_report'): expected the management command and its arguments only (the job runs 'python -m django <command>'). Fix: drop 'python' and what launches Django, e.g. command=('clearsessions',)"
    ),
    'newrelic-ini-in-config-files': (
        "qa: invalid django_app.config_files='newrelic.ini': expected no 'newrelic.ini' when newrelic is set (the library writes it from NewRelic.ini). Fix: put its content in NewRelic(ini=...) and drop it from config_files"
    ),
    'static-url-without-slash': (
        "qa: invalid environment.static_url='https://cdn.example.com/static': expected a URL ending with '/' (Django's check refuses STATIC_URL without one). Fix: use 'https://cdn.example.com/static/'"
    ),
    'factory-misspelt-option': (
        "Environment.staging: invalid web_replica=2: expected one of the options aws_secrets, database_password, env, generate_database_password, iam_role_arn, image, max_connections, media_bucket, monitoring, namespace, network, resources, seed, shell_operators, static_url, web_autoscaling, web_replicas, worker_autoscaling, worker_replicas. Fix: fix the option's spelling"
    ),
    'app-name-not-dns': (
        "qa: invalid django_app.name='Shop_App': expected an RFC 1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit). Fix: use lower case and replace '_' or '.' with '-'"
    ),
    'app-name-too-long': (
        "qa: invalid django_app.name='aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa': expected at most 30 characters (got 31). Fix: shorten it by 1 characters"
    ),
    'image-malformed': (
        "qa: invalid django_app.image='Registry.example.com/Shop:1.4.2': expected an image reference like 'registry.example.com/shop:1.4.2' or 'shop@sha256:<64 hex>'. Fix: use a lower-case repository path with a tag or a digest"
    ),
    'image-bad-digest': (
        "qa: invalid django_app.image='shop@sha256:1234': expected an image reference like 'registry.example.com/shop:1.4.2' or 'shop@sha256:<64 hex>'. Fix: use a lower-case repository path with a tag or a digest"
    ),
    'environment-image-malformed': (
        "qa: invalid environment.image='shop:': expected an image reference like 'registry.example.com/shop:1.4.2' or 'shop@sha256:<64 hex>'. Fix: use a lower-case repository path with a tag or a digest"
    ),
    'settings-module': (
        "qa: invalid django_app.settings_module='shop/settings.py': expected a dotted Python module path such as 'shop.settings'. Fix: use the value of DJANGO_SETTINGS_MODULE"
    ),
    'duplicate-workers': (
        "qa: invalid django_app.workers='worker': expected unique names. Fix: rename one of the two entries named 'worker'"
    ),
    'secret-name': (
        "qa: invalid django_app.secrets='Shop_Secrets': expected an RFC 1123 subdomain of at most 253 characters (lower-case labels joined by '.'). Fix: use lower-case letters, digits, '-' and '.'"
    ),
    'environment-name': (
        "qa: invalid environment.name='QA': expected an RFC 1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit). Fix: use lower case and replace '_' or '.' with '-'"
    ),
    'namespace-too-long': (
        "qa: invalid environment.namespace='nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn': expected at most 63 characters (got 64). Fix: shorten it by 1 characters"
    ),
    'web-replicas-range': (
        'qa/Web: invalid replicas=-1: expected a whole number from 0 to 1000. Fix: pick a value between 0 and 1000'
    ),
    'worker-replicas-type': (
        "qa: invalid environment.worker_replicas='2': expected a whole number. Fix: pass a whole number"
    ),
    'production-in-cluster-store': (
        "qa: invalid environment.cache=InCluster(storage='10Gi', storage_class='gp3'): expected a Managed store in production (in-cluster stores are for throwaway staging). Fix: pass cache=Managed('<endpoint host name>')"
    ),
    'store-wrong-type': (
        "qa: invalid environment.postgres='postgres.example.com': expected InCluster(...) or Managed(...). Fix: pass InCluster(...) or Managed(...)"
    ),
    'managed-host-ip': (
        "qa/Postgres: invalid host='10.0.0.12': expected a lower-case DNS host name such as 'shop.example.com' (not an IP address, no scheme or port). Fix: give the bare DNS name; for an IP address create a DNS record first"
    ),
    'managed-host-url': (
        "qa/Postgres: invalid host='postgres://db.example.com': expected a lower-case DNS host name such as 'shop.example.com' (not an IP address, no scheme or port). Fix: give the bare DNS name; for an IP address create a DNS record first"
    ),
    'managed-port-range': (
        'qa/Postgres: invalid port=70000: expected a whole number from 1 to 65535. Fix: pick a value between 1 and 65535'
    ),
    'ingress-without-hosts': (
        "qa/Web: invalid hosts=[]: expected at least one host name when an Ingress is requested. Fix: pass hosts=['shop.example.com'] or drop ingress"
    ),
    'host-name-uppercase': (
        "qa/Web: invalid hosts='QA.example.com': expected a lower-case DNS host name such as 'shop.example.com' (not an IP address, no scheme or port). Fix: give the bare DNS name; for an IP address create a DNS record first"
    ),
    'acm-with-nginx': (
        "qa/Web: invalid ingress.tls=AcmCertificate(arn='arn:aws:acm:eu-west-1:1:certificate/x'): expected an ACM certificate only with the AWS Load Balancer Controller. Fix: use CertManagerIssuer with nginx, or controller=IngressController.AWS_LOAD_BALANCER"
    ),
    'cert-manager-with-alb': (
        "qa/Web: invalid ingress.tls=CertManagerIssuer(name='letsencrypt', kind='ClusterIssuer'): expected cert-manager only with an nginx-class controller (an ALB cannot serve a certificate from a Secret). Fix: use AcmCertificate with the ALB, or controller=IngressController.NGINX"
    ),
    'acm-arn-malformed': (
        "qa/Web: invalid ingress.tls.arn='certificate/x': expected an ACM certificate ARN ('arn:aws:acm:<region>:<account>:certificate/<id>'). Fix: copy the ARN from the ACM console"
    ),
    'group-name-with-nginx': (
        "qa/Web: invalid ingress.group_name='staging': expected no group name with nginx (ALB groups are an AWS Load Balancer Controller feature). Fix: drop group_name"
    ),
    'ingress-class-name': (
        "qa/Web: invalid ingress.class_name='ALB': expected an RFC 1123 subdomain of at most 253 characters (lower-case labels joined by '.'). Fix: use lower-case letters, digits, '-' and '.'"
    ),
    'issuer-kind': (
        "qa/Web: invalid ingress.tls.kind='Certificate': expected 'ClusterIssuer' or 'Issuer'. Fix: pick one of the two"
    ),
    'worker-queues-empty': (
        "qa/Worker-worker: invalid queues=(): expected a non-empty list of queue names. Fix: pass queues=['default']"
    ),
    'worker-queue-comma': (
        "qa/Worker-worker: invalid queues='a,b': expected a queue name without commas or spaces. Fix: rename the queue"
    ),
    'worker-queues-duplicate': (
        "qa/Worker-worker: invalid queues='a': expected unique names. Fix: rename one of the two entries named 'a'"
    ),
    'worker-concurrency': (
        'qa/Worker-worker: invalid concurrency=0: expected a whole number from 1 to 256. Fix: pick a value between 1 and 256'
    ),
    'worker-time-limit': (
        'qa/Worker-worker: invalid task_time_limit=0: expected a whole number from 1 to 86400. Fix: pick a value between 1 and 86400'
    ),
    'worker-name': (
        "qa/Worker-Emails: invalid name='Emails': expected an RFC 1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit). Fix: use lower case and replace '_' or '.' with '-'"
    ),
    'beat-replicas': (
        'c/Beat: invalid replicas=2: expected exactly 1 (two beat processes send every periodic task twice). Fix: run one CeleryBeat; scale workers instead'
    ),
    'beat-scheduler-type': (
        "c/Beat: invalid scheduler='database': expected a BeatScheduler. Fix: use BeatScheduler.FILE or BeatScheduler.DATABASE"
    ),
    'cron-six-fields': (
        "qa/Cron-clearsessions: invalid schedule='0 0 3 * * *': expected a five-field cron schedule as Kubernetes reads it ('minute hour day-of-month month day-of-week', day of week 0-6, no L, W or #) or @hourly/@daily/@weekly/@monthly/@yearly. Fix: for example '0 3 * * *' for 03:00 every day; set the time zone with time_zone, not in the schedule"
    ),
    'cron-out-of-range': (
        "qa/Cron-clearsessions: invalid schedule='61 3 * * *': expected a five-field cron schedule as Kubernetes reads it ('minute hour day-of-month month day-of-week', day of week 0-6, no L, W or #) or @hourly/@daily/@weekly/@monthly/@yearly. Fix: for example '0 3 * * *' for 03:00 every day; set the time zone with time_zone, not in the schedule"
    ),
    'cron-name-too-long': (
        "qa/Cron-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx: invalid name='xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx': expected a name whose CronJob name 'shop-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' fits 52 characters (it has 55). Fix: shorten the name by 3 characters"
    ),
    'cron-name-not-dns': (
        "qa/Cron-clear_sessions: invalid name='clear_sessions': expected an RFC 1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit). Fix: use lower case and replace '_' or '.' with '-'"
    ),
    'cron-time-zone': (
        "qa/Cron-clearsessions: invalid time_zone='Mars/Olympus': expected an IANA time zone name such as 'Etc/UTC' or 'Europe/Dublin'. Fix: use a name from the tz database (zoneinfo.available_timezones())"
    ),
    'cron-command-empty': (
        "qa/Cron-clearsessions: invalid command=(): expected a list of strings: the command then its arguments. Fix: pass command=['clearsessions']"
    ),
    'cron-command-string': (
        "c/Cron: invalid command='clearsessions': expected a list of strings: the command then its arguments. Fix: pass command=['clearsessions']"
    ),
    'storage-quantity': (
        "qa/Postgres: invalid storage='10GB': expected a Kubernetes quantity such as '10Gi', '512Mi' or '250m'. Fix: write the number then a suffix (Ki, Mi, Gi, Ti, m, k, M, G), as a string"
    ),
    'storage-class': (
        "qa/Postgres: invalid storage_class='GP3': expected an RFC 1123 subdomain of at most 253 characters (lower-case labels joined by '.'). Fix: use lower-case letters, digits, '-' and '.'"
    ),
    'postgres-image': (
        "c/Pg: invalid image='postgres:': expected an image reference like 'registry.example.com/shop:1.4.2' or 'shop@sha256:<64 hex>'. Fix: use a lower-case repository path with a tag or a digest"
    ),
    'redis-role-type': (
        "c/Redis: invalid role='cache': expected RedisRole.CACHE or RedisRole.BROKER. Fix: use RedisRole.CACHE or RedisRole.BROKER"
    ),
    'web-port': (
        'c/Web: invalid port=0: expected a whole number from 1 to 65535. Fix: pick a value between 1 and 65535'
    ),
    'web-health-path': (
        "c/Web: invalid health_check_path='healthz': expected an absolute URL path such as '/healthz/'. Fix: start the path with '/'"
    ),
    'web-gunicorn-workers': (
        'c/Web: invalid workers=0: expected a whole number from 1 to 64. Fix: pick a value between 1 and 64'
    ),
    'env-var-name': (
        "qa/Config: invalid env='NEW-RELIC': expected an environment variable name ([A-Za-z_][A-Za-z0-9_]*). Fix: use letters, digits and '_', not starting with a digit"
    ),
    'env-var-value': (
        "qa: invalid django_app.env['WORKERS']=4: expected a string. Fix: pass a string"
    ),
    'config-file-name': (
        "qa/Config: invalid files='../newrelic.ini': expected a key of letters, digits, '-', '_' and '.', at most 253 characters, not '.' and not starting with '..'. Fix: rename it (names starting with '..' are the kubelet's own)"
    ),
    'config-file-content': (
        "c/Config: invalid files['a.ini']='bytes': expected the file's text. Fix: pass the content as a str"
    ),
    'managed-store-component': (
        "c/Db: invalid component='Postgres': expected an RFC 1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit). Fix: use lower case and replace '_' or '.' with '-'"
    ),
    'migration-ttl': (
        'c/Migrate: invalid ttl_seconds_after_finished=-1: expected a whole number from 0 to 31536000. Fix: pick a value between 0 and 31536000'
    ),
    'duplicate-construct-id': (
        "c/Worker: invalid id='Worker': expected an id unique within its scope. Fix: give the second construct another id"
    ),
    'duplicate-object-name': (
        "qa: two objects would be written to qa/09-configmap-shop-env.yaml (ConfigMap 'shop-env'). Fix: give one of them another name"
    ),
    'production-latest-image': (
        "qa: invalid django_app.image='registry.example.com/shop:latest': expected a pinned image in production: a tag other than 'latest', or a digest. Fix: use 'repo:1.4.2' or, better, 'repo@sha256:<digest>'"
    ),
    'production-untagged-image': (
        "qa: invalid django_app.image='registry.example.com/shop': expected a pinned image in production: a tag other than 'latest', or a digest. Fix: use 'repo:1.4.2' or, better, 'repo@sha256:<digest>'"
    ),
    'production-web-min-replicas': (
        'qa: invalid environment.web_autoscaling.min_replicas=1: expected at least 2 in production (one pod means downtime on every node drain). Fix: set min_replicas=2 or more'
    ),
    'connection-budget': (
        'qa: invalid environment.max_connections=150: expected room for 243 connections (web 13 pods (10 + rollout surge) x 2 workers x 8 threads = 208 + worker 8 pods (6 + rollout surge) x 4 processes = 32 + beat 1 + shell 1 + migrate 1; plus 3 reserved for superusers). Fix: raise max_connections, lower max replicas, gunicorn threads or worker concurrency, or pool connections with PgBouncer'
    ),
    'max-connections-range': (
        'qa: invalid environment.max_connections=0: expected a whole number from 1 to 262143. Fix: pick a value between 1 and 262143'
    ),
    'autoscaling-max-below-min': (
        'qa/Worker-worker: invalid autoscaling.max_replicas=3: expected a whole number from 4 to 1000. Fix: pick a value between 4 and 1000'
    ),
    'autoscaling-cpu-target': (
        'c/Web: invalid autoscaling.cpu_utilization=0: expected a whole number from 1 to 100. Fix: pick a value between 1 and 100'
    ),
    'keda-without-address': (
        "c/Worker: invalid autoscaling.address=None: expected the broker KEDA reads queue lengths from. Fix: pass broker=<the RedisStatefulSet or ManagedDataStore> (DjangoChart does this) or set address='host:port'"
    ),
    'hpa-on-beat': (
        'c/Beat: invalid autoscaling=Autoscaling(min_replicas=2, max_replicas=10, cpu_utilization=70): expected no autoscaler on beat (it must run exactly once; an HPA or KEDA could start a second). Fix: drop autoscaling from CeleryBeat; autoscale the workers'
    ),
    'worker-metrics-port': (
        'qa/Worker-worker: invalid metrics_port=70000: expected a whole number from 1 to 65535. Fix: pick a value between 1 and 65535'
    ),
    'iam-role-arn': (
        "qa: invalid environment.iam_role_arn='shop-role': expected an IAM role ARN ('arn:aws:iam::<account>:role/<name>'). Fix: copy the role's ARN"
    ),
    'run-as-root': (
        "qa: invalid django_app.run_as_user=0: expected a non-root UID (1 to 2147483647; above 10000 avoids clashing with node users). Fix: use the default 10001 or the image's app user"
    ),
    'gunicorn-threads': (
        'qa/Web: invalid threads=0: expected a whole number from 1 to 256. Fix: pick a value between 1 and 256'
    ),
    'network-cidr': (
        "qa/NetworkPolicies: invalid access.load_balancer_cidrs='10.0.0.0/33': expected a CIDR in prefix form with no host bits set, such as '10.0.1.0/24'. Fix: give the subnet's CIDR block (for one address, '10.0.0.1/32')"
    ),
    'network-namespace': (
        "qa/NetworkPolicies: invalid access.ingress_namespace='Ingress_Nginx': expected an RFC 1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit). Fix: use lower case and replace '_' or '.' with '-'"
    ),
    'secret-store-kind': (
        "c/S: invalid store.kind='Vault': expected 'ClusterSecretStore' or 'SecretStore'. Fix: pick one of the two"
    ),
    'generated-password-length': (
        'c/P: invalid length=8: expected a whole number from 16 to 128. Fix: pick a value between 16 and 128'
    ),
    'shell-operators-group': (
        "c/A: invalid group=' ': expected a non-empty group name. Fix: pass the operators' group name"
    ),
    'environment-named-like-a-preview': (
        "qa: invalid environment.name='pr-qa': expected a name not starting with 'pr-' (reserved for previews, which expire). Fix: use Environment.for_branch(...) for previews and another name otherwise"
    ),
    'worker-named-like-a-store': (
        "qa: invalid django_app.workers and django_app.cron='postgres': expected a name other than beat, config, default-deny, env, files, migrate, namespace, network-policy, postgres, redis-broker, redis-cache, secrets, seed, service-account, shell, shell-exec, web (the library's own components). Fix: rename it, e.g. 'postgres-task'"
    ),
    'cron-named-like-a-worker': (
        "qa: invalid django_app.workers and django_app.cron='worker': expected unique names. Fix: rename one of the two entries named 'worker'"
    ),
    'env-reserved-name': (
        "qa: invalid django_app.env='ALLOWED_HOSTS': expected a variable the library does not set itself (it would be ignored). Fix: see the README's app contract; drop it"
    ),
    'env-secret-in-configmap': (
        "qa: invalid environment.env='STRIPE_API_KEY': expected no secret in a ConfigMap (dist/ is committed). Fix: put it in a Secret listed in DjangoApp.secrets"
    ),
    'resources-unknown-key': (
        "qa: invalid environment.resources='webs': expected one of beat, cron, migrate, postgres, redis, shell, web, worker. Fix: fix the key's spelling"
    ),
    'resources-bad-cpu': (
        "qa/Web: invalid resources.cpu='lots': expected a Kubernetes quantity such as '10Gi', '512Mi' or '250m'. Fix: write the number then a suffix (Ki, Mi, Gi, Ti, m, k, M, G), as a string"
    ),
    'resources-limit-below-request': (
        "c/Worker: invalid resources.memory_limit='256Mi': expected at least the memory request (512Mi). Fix: raise memory_limit or lower memory"
    ),
    'cron-day-of-week-7': (
        "qa/Cron-clearsessions: invalid schedule='0 3 * * 7': expected a five-field cron schedule as Kubernetes reads it ('minute hour day-of-month month day-of-week', day of week 0-6, no L, W or #) or @hourly/@daily/@weekly/@monthly/@yearly. Fix: for example '0 3 * * *' for 03:00 every day; set the time zone with time_zone, not in the schedule"
    ),
    'cron-last-day': (
        "qa/Cron-clearsessions: invalid schedule='0 3 L * *': expected a five-field cron schedule as Kubernetes reads it ('minute hour day-of-month month day-of-week', day of week 0-6, no L, W or #) or @hourly/@daily/@weekly/@monthly/@yearly. Fix: for example '0 3 * * *' for 03:00 every day; set the time zone with time_zone, not in the schedule"
    ),
    'redis-max-memory-above-limit': (
        "c/Cache: invalid max_memory='256Mi': expected less than the container's memory limit (256Mi). Fix: lower max_memory or raise resources.memory_limit; leave about 30% headroom"
    ),
    'alb-without-load-balancer-cidrs': (
        "qa: invalid environment.network.load_balancer_cidrs=(): expected the CIDRs of the ALB's subnets (with IP targets, traffic to the pods comes from there). Fix: pass network=NetworkAccess(load_balancer_cidrs=('10.0.0.0/24', ...)); not the whole VPC, whose pods would then all reach web"
    ),
    'web-metrics-port-is-web-port': (
        'c/Web: invalid metrics_port=8000: expected a port other than the web port 8000. Fix: the Ingress exposes the web port: use another one, e.g. 9100'
    ),
    'not-a-django-app': (
        "qa: invalid django_app='dict': expected a DjangoApp. Fix: build one with DjangoApp(name=..., image=..., settings_module=...)"
    ),
}


def test_every_case_has_an_expected_message() -> None:
    assert sorted(name for name, _ in CASES) == sorted(EXPECTED)
    assert len(CASES) >= 25


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


DIST_BEFORE = _tree(ROOT / "dist")


@pytest.mark.parametrize(("name", "build"), CASES, ids=[name for name, _ in CASES])
def test_bad_input_fails_at_construction_with_exact_message(name: str, build: object) -> None:
    with pytest.raises(ValueError) as error:
        build()  # type: ignore[operator]
    assert str(error.value) == EXPECTED[name]
    assert _tree(ROOT / "dist") == DIST_BEFORE, "a failed construction must leave dist/ untouched"

"""Bad inputs, one or more per validation rule, each beside the exact message it must fail with.

``Case(id, build, message)``: ``build()`` must raise a ``ValueError`` whose text is ``message``
(test_errors.py runs them all).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import NamedTuple

from cdk8s import App, Chart

from cdk8s_django import (
    Resources,
    AcmCertificate,
    Autoscaling,
    AwsSecret,
    AwsSecretsManager,
    GeneratedPassword,
    NetworkAccess,
    QueueAutoscaling,
    ShellAccess,
    AppConfig,
    ArgoCdApplications,
    ArgoCdPreviews,
    AppRuntime,
    CeleryBeat,
    CeleryWorker,
    CertManagerIssuer,
    CronTask,
    EgressAllowList,
    DjangoApp,
    DjangoChart,
    DjangoWeb,
    Monitoring,
    Environment,
    InCluster,
    IngressController,
    IngressOptions,
    Managed,
    ManagedDataStore,
    NewRelic,
    ManagementCronJob,
    MigrationJob,
    NamespaceFence,
    PostgresStatefulSet,
    PreviewReaperAccess,
    RedisRole,
    RedisStatefulSet,
    SecretKeyRef,
    SeedData,
    Worker,
)

APP = DjangoApp(name="shop", image="registry.example.com/shop:1.4.2", settings_module="shop.settings")
QA = Environment.staging(
    "qa", hosts=("qa.example.com",), ingress=IngressOptions(class_name="alb"), network=NetworkAccess(load_balancer_cidrs=("10.0.0.0/24",))
)
PROD = Environment.production(
    postgres=Managed("db.example.com"), cache=Managed("cache.example.com"), broker=Managed("broker.example.com")
)
RUNTIME = AppRuntime(app="shop", namespace="shop-qa", image="shop:1", settings_module="shop.settings")
SECRET_NAME = ("qa: invalid {prop}='{name}': expected no secret in a ConfigMap (dist/ is committed): the name looks secret. Fix: put it in a"
               " Secret listed in DjangoApp.secrets, or read it from AWS Secrets Manager (Environment.aws_secrets); if it is not secret,"
               " list it in DjangoApp.not_secret")
ARGUMENT_FIX = ("put it in a Secret listed in DjangoApp.secrets, or read it from AWS Secrets Manager (Environment.aws_secrets), and pass it"
                " as $(NAME) of the env var that holds it (Kubernetes expands it in the command), e.g. '--password=$(SMTP_PASSWORD)'")


def chart(django_app: DjangoApp = APP, environment: Environment = QA) -> Callable[[], object]:
    name = environment.name if isinstance(environment, Environment) and isinstance(environment.name, str) else "qa"
    return lambda: DjangoChart(App(), name, django_app=django_app, environment=environment)  # the id is the environment's name


def in_chart(build: Callable[[Chart], object]) -> Callable[[], object]:
    def run() -> object:
        return build(Chart(App(), "c"))
    return run


def alb_group_two_ssl_policies() -> None:
    ingress = IngressOptions(class_name="alb", tls=AcmCertificate("arn:aws:acm:eu-west-1:1:certificate/x"), group_name="staging")
    app = App()
    DjangoChart(app, "qa", django_app=APP, environment=replace(QA, ingress=ingress))
    demo = replace(QA, name="demo", hosts=("demo.example.com",), ingress=replace(ingress, ssl_policy="ELBSecurityPolicy-TLS13-1-3-2021-06"))
    DjangoChart(app, "demo", django_app=APP, environment=demo)


def two_environments_one_namespace() -> None:
    app = App()
    DjangoChart(app, "qa", django_app=APP, environment=QA)
    DjangoChart(app, "demo", django_app=APP, environment=replace(QA, name="demo", namespace="shop-qa"))


def two_environments_one_name() -> None:
    app = App()
    DjangoChart(app, "qa", django_app=APP, environment=QA)
    DjangoChart(app, "qa", django_app=APP, environment=QA)


def two_environments_one_name_under_two_parents() -> None:
    from constructs import Construct

    app = App()
    DjangoChart(Construct(app, "eu"), "qa", django_app=APP, environment=QA)
    DjangoChart(Construct(app, "us"), "qa", django_app=APP, environment=replace(QA, namespace="shop-us-qa"))


def duplicate_id() -> None:
    scope = Chart(App(), "c")
    OpsShellLike = CeleryWorker
    OpsShellLike(scope, "Worker", runtime=RUNTIME)
    OpsShellLike(scope, "Worker", runtime=RUNTIME, name="other")


def duplicate_object_name() -> None:
    from cdk8s_django import App as DjangoCdk8sApp

    app = DjangoCdk8sApp(outdir="unused")
    chart_ = DjangoChart(app, "qa", django_app=APP, environment=QA)
    AppConfig(chart_, "ExtraConfig", app="shop", namespace="shop-qa", env={})
    app.render()


class Case(NamedTuple):
    """One bad input: its id (the test id), a function that builds it, and the exact error message."""

    id: str
    build: Callable[[], object]
    message: str


CASES: list[Case] = [
    # Issue 10: no secret value in dist/, whatever its name or where it hides.
    Case("env-secret-key-name", chart(replace(APP, env={"SECRET_KEY": "x"})),
         "qa: invalid django_app.env='SECRET_KEY': expected no secret in a ConfigMap (dist/ is committed): the name looks secret. Fix: put it in a Secret listed in DjangoApp.secrets, or read it from AWS Secrets Manager (Environment.aws_secrets); if it is not secret, list it in DjangoApp.not_secret"),
    Case("env-django-secret-key-name", chart(environment=replace(QA, env={"DJANGO_SECRET_KEY": "x"})),
         "qa: invalid environment.env='DJANGO_SECRET_KEY': expected no secret in a ConfigMap (dist/ is committed): the name looks secret. Fix: put it in a Secret listed in DjangoApp.secrets, or read it from AWS Secrets Manager (Environment.aws_secrets); if it is not secret, list it in DjangoApp.not_secret"),
    Case("env-aws-secret-access-key-name", chart(replace(APP, env={"AWS_SECRET_ACCESS_KEY": "x"})),
         "qa: invalid django_app.env='AWS_SECRET_ACCESS_KEY': expected no secret in a ConfigMap (dist/ is committed): the name looks secret. Fix: put it in a Secret listed in DjangoApp.secrets, or read it from AWS Secrets Manager (Environment.aws_secrets); if it is not secret, list it in DjangoApp.not_secret"),
    Case("env-db-pass-name", chart(replace(APP, env={"DB_PASS": "x"})),
         "qa: invalid django_app.env='DB_PASS': expected no secret in a ConfigMap (dist/ is committed): the name looks secret. Fix: put it in a Secret listed in DjangoApp.secrets, or read it from AWS Secrets Manager (Environment.aws_secrets); if it is not secret, list it in DjangoApp.not_secret"),
    Case("env-stripe-key-name", chart(replace(APP, env={"STRIPE_KEY": "x"})),
         "qa: invalid django_app.env='STRIPE_KEY': expected no secret in a ConfigMap (dist/ is committed): the name looks secret. Fix: put it in a Secret listed in DjangoApp.secrets, or read it from AWS Secrets Manager (Environment.aws_secrets); if it is not secret, list it in DjangoApp.not_secret"),
    Case("env-lower-case-secret-name", chart(replace(APP, env={"secret_key": "x"})),
         "qa: invalid django_app.env='secret_key': expected no secret in a ConfigMap (dist/ is committed): the name looks secret. Fix: put it in a Secret listed in DjangoApp.secrets, or read it from AWS Secrets Manager (Environment.aws_secrets); if it is not secret, list it in DjangoApp.not_secret"),
    Case("env-stripe-key-value", chart(replace(APP, env={"PAYMENTS": "sk_live_" + "a1B2c3D4e5F6g7H8i9J0k1L2"})),
         "qa: invalid django_app.env['PAYMENTS']='<redacted>': expected no secret in dist/ (it is committed), found what detect-secrets reads as 'Stripe Access Key'. Fix: put it in a Secret listed in DjangoApp.secrets, or read it from AWS Secrets Manager (Environment.aws_secrets)"),
    Case("env-credentials-in-url", chart(replace(APP, env={"SEARCH_URL": "https://elastic:hunter2hunter2@search.example.com:9200"})),
         "qa: invalid django_app.env['SEARCH_URL']='<redacted>': expected no secret in dist/ (it is committed), found what detect-secrets reads as 'Password in a URL'. Fix: put it in a Secret listed in DjangoApp.secrets, or read it from AWS Secrets Manager (Environment.aws_secrets)"),
    Case("config-file-license-key", chart(replace(APP, config_files={"newrelic.ini": "[newrelic]\nlicense_key = 0123456789abcdef0123456789abcdef01234567\n"})),
         "qa: invalid django_app.config_files['newrelic.ini']='<redacted>': expected no secret in dist/ (it is committed), found a value for 'license_key' on line 2. Fix: put it in a Secret listed in DjangoApp.secrets, or read it from AWS Secrets Manager (Environment.aws_secrets)"),
    Case("newrelic-ini-license-key", chart(replace(APP, newrelic=NewRelic(license_key=SecretKeyRef("shop-newrelic", "license_key"), ini="[newrelic]\nlicense_key = 0123456789abcdef\n"))),
         "qa: invalid django_app.newrelic.ini='<redacted>': expected no secret in dist/ (it is committed), found a value for 'license_key' on line 2. Fix: put it in a Secret listed in DjangoApp.secrets, or read it from AWS Secrets Manager (Environment.aws_secrets)"),
    Case("config-file-private-key", chart(replace(APP, config_files={"tls.pem": "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n"})),
         "qa: invalid django_app.config_files['tls.pem']='<redacted>': expected no secret in dist/ (it is committed), found what detect-secrets reads as 'Private Key' on line 1. Fix: put it in a Secret listed in DjangoApp.secrets, or read it from AWS Secrets Manager (Environment.aws_secrets)"),
    # Issue 10: the edges of the network promises.
    Case("env-email-host-password-name", chart(replace(APP, env={"EMAIL_HOST_PASSWORD": "x"})),
         "qa: invalid django_app.env='EMAIL_HOST_PASSWORD': expected no secret in a ConfigMap (dist/ is committed): the name looks secret. Fix: put it in a Secret listed in DjangoApp.secrets, or read it from AWS Secrets Manager (Environment.aws_secrets); if it is not secret, list it in DjangoApp.not_secret"),
    Case("env-redis-url-password-without-user", chart(replace(APP, env={"SESSION_REDIS": "redis://:s3cretpw@cache.example.com:6379/0"})),
         "qa: invalid django_app.env['SESSION_REDIS']='<redacted>': expected no secret in dist/ (it is committed), found what detect-secrets reads as 'Password in a URL'. Fix: put it in a Secret listed in DjangoApp.secrets, or read it from AWS Secrets Manager (Environment.aws_secrets)"),
    Case("cron-argument-secret", chart(replace(APP, cron={"sync": CronTask("0 6 * * 1", command=("sync", "--key=sk_live_" + "a1B2c3D4e5F6g7H8i9J0k1L2"))})),
         "qa: invalid django_app.cron['sync'].command=('sync', '--key=<redacted>'): expected no secret in dist/ (it is committed), found a value for '--key'. Fix: " + ARGUMENT_FIX),
    # Issue 18: secrets that still got through.
    Case("cron-argument-stripe-key", chart(replace(APP, cron={"charge": CronTask("0 6 * * 1", command=("charge", "sk_live_" + "a1B2c3D4e5F6g7H8i9J0k1L2"))})),
         "qa: invalid django_app.cron['charge'].command=('charge', '<redacted>'): expected no secret in dist/ (it is committed), found what detect-secrets reads as 'Stripe Access Key'. Fix: " + ARGUMENT_FIX),
    Case("cron-argument-password-flag", chart(replace(APP, cron={"mailbox": CronTask("0 * * * *", command=("sync_mailbox", "--password=hunter2hunter2"))})),
         "qa: invalid django_app.cron['mailbox'].command=('sync_mailbox', '--password=<redacted>'): expected no secret in dist/ (it is committed), found a value for '--password'. Fix: " + ARGUMENT_FIX),
    Case("cron-argument-token-value", chart(replace(APP, cron={"feeds": CronTask("0 * * * *", command=("import_feeds", "--token", "hunter2hunter2", "--all"))})),
         "qa: invalid django_app.cron['feeds'].command=('import_feeds', '--token', '<redacted>', '--all'): expected no secret in dist/ (it is committed), found a value for '--token'. Fix: " + ARGUMENT_FIX),
    Case("cron-argument-api-key", chart(replace(APP, cron={"geo": CronTask("0 4 * * *", command=("geocode", "--api-key=abc123"))})),
         "qa: invalid django_app.cron['geo'].command=('geocode', '--api-key=<redacted>'): expected no secret in dist/ (it is committed), found a value for '--api-key'. Fix: " + ARGUMENT_FIX),
    Case("cron-job-password-argument", in_chart(lambda c: ManagementCronJob(c, "Cron", runtime=RUNTIME, name="mailbox", schedule="@hourly", command=("sync_mailbox", "--password", "hunter2hunter2"))),
         "c/Cron: invalid command=('sync_mailbox', '--password', '<redacted>'): expected no secret in dist/ (it is committed), found a value for '--password'. Fix: " + ARGUMENT_FIX),
    Case("env-site-admin-password-name", chart(replace(APP, env={"SITE_ADMIN_PASSWORD": "hunter2hunter2"})), SECRET_NAME.format(prop="django_app.env", name="SITE_ADMIN_PASSWORD")),
    Case("env-pub-sub-credentials-name", chart(environment=replace(QA, env={"PUB_SUB_CREDENTIALS": "{}"})), SECRET_NAME.format(prop="environment.env", name="PUB_SUB_CREDENTIALS")),
    Case("env-site-api-token-name", chart(replace(APP, env={"SITE_API_TOKEN": "t0k3n"})), SECRET_NAME.format(prop="django_app.env", name="SITE_API_TOKEN")),
    Case("env-secret-key-id-name", chart(replace(APP, env={"SECRET_KEY_ID": "k-1"})), SECRET_NAME.format(prop="django_app.env", name="SECRET_KEY_ID")),
    Case("env-camel-case-key-name", chart(replace(APP, env={"stripeKey": "rk_test_x"})), SECRET_NAME.format(prop="django_app.env", name="stripeKey")),
    Case("env-db-pw-name", chart(replace(APP, env={"DB_PW": "hunter2"})), SECRET_NAME.format(prop="django_app.env", name="DB_PW")),
    Case("not-secret-waives-no-password", chart(replace(APP, env={"DB_PASSWORD": "hunter2hunter2"}, not_secret=("DB_PASSWORD",))),
         "qa: invalid django_app.env['DB_PASSWORD']='<redacted>': expected no secret in dist/ (it is committed), found what detect-secrets reads as 'Secret Keyword' (DjangoApp.not_secret waives how the name looks, not a secret value). Fix: put it in a Secret listed in DjangoApp.secrets, or read it from AWS Secrets Manager (Environment.aws_secrets)"),
    Case("aws-secret-url-encode-key-too-long", in_chart(lambda c: AwsSecret(c, "S", runtime=RUNTIME, name="db", store=AwsSecretsManager(), remote_key="k", url_encode="p" * 245)),
         "c/S: invalid url_encode (with its suffix)='" + "p" * 245 + "-urlencoded': expected a key of letters, digits, '-', '_' and '.', at most 253 characters, not '.' and not starting with '..'. Fix: rename it (names starting with '..' are the kubelet's own)"),
    Case("aws-secret-url-encode-key", in_chart(lambda c: AwsSecret(c, "S", runtime=RUNTIME, name="db", store=AwsSecretsManager(), remote_key="k", url_encode="pass word")),
         "c/S: invalid url_encode='pass word': expected a key of letters, digits, '-', '_' and '.', at most 253 characters, not '.' and not starting with '..'. Fix: rename it (names starting with '..' are the kubelet's own)"),
    Case("two-environments-one-namespace", two_environments_one_namespace,
         "demo: invalid environment.namespace='shop-qa': expected a namespace of this environment's own (environment 'qa' already deploys into it). Fix: give each environment its own namespace (leave namespace unset for '<app>-<environment>')"),
    Case("acm-arn-malformed-region-needed", chart(environment=replace(QA, media_bucket="shop-media", ingress=IngressOptions(
        class_name="alb", tls=AcmCertificate("arn:aws:acm:eu-west-1/x")))),
         "qa: invalid environment.ingress.tls.arn='arn:aws:acm:eu-west-1/x': expected an ACM certificate ARN ('arn:aws:acm:<region>:<account>:certificate/<id>'), which also gives AWS_REGION. Fix: copy the ARN from the ACM console, or set aws_region"),
    Case("preview-named-namespace", lambda: Environment.for_branch(
        "feat/x", owner="alice", domain="preview.example.com", namespace="shop-production"),
         "Environment.for_branch: invalid namespace='shop-production': expected no namespace for a preview: its name comes from the branch. Fix: drop namespace="),
    Case("namespace-kube-system", chart(environment=replace(QA, namespace="kube-system")),
         "qa: invalid environment.namespace='kube-system': expected a namespace of the app's own, not 'default' or a 'kube-' one (the cluster's). Fix: set environment.namespace to a name of the app's own, or rename the app or the environment"),
    Case("placeholder-left-in-production", chart(environment=replace(PROD, postgres=Managed("REPLACE-ME.rds.amazonaws.com"))), "production: invalid environment.postgres.host='REPLACE-ME.rds.amazonaws.com': expected a real value, not the placeholder REPLACE-ME. Fix: replace it in main.py (`placeholders(environment)` lists every one left)"),
    Case("placeholder-left-in-the-app", chart(django_app=replace(APP, env={"SENTRY_ENVIRONMENT": "REPLACE-ME"})), "qa: invalid django_app.env['SENTRY_ENVIRONMENT']='REPLACE-ME': expected a real value, not the placeholder REPLACE-ME. Fix: replace it in main.py (`placeholders(environment)` lists every one left)"),
    Case("argo-cd-repo-url-not-git", in_chart(lambda c: ArgoCdApplications(
        c, "ArgoCd", repo_url="shop-deploy", environments=[DjangoChart(c.node.root, "qa", django_app=APP, environment=QA)])), "c/ArgoCd: invalid repo_url='shop-deploy': expected a git URL Argo CD can clone (https://, ssh:// or git@). Fix: pass the deployment repository's URL"),
    Case("argo-cd-no-environments", in_chart(lambda c: ArgoCdApplications(c, "ArgoCd", repo_url="https://git.example.com/d.git",
                                                                           environments=[])), "c/ArgoCd: invalid environments=[]: expected at least one DjangoChart. Fix: pass the environments' charts"),
    Case("argo-cd-previews-of-two-apps", in_chart(lambda c: ArgoCdApplications(
        c, "ArgoCd", repo_url="https://git.example.com/d.git", previews=ArgoCdPreviews(), environments=[
            DjangoChart(c.node.root, "qa", django_app=APP, environment=QA),
            DjangoChart(c.node.root, "blog-qa", django_app=replace(APP, name="blog"), environment=replace(QA, name="blog-qa")),
        ])), "c/ArgoCd: invalid environments=['blog', 'shop']: expected the environments of one app when previews is set (one ApplicationSet per app). Fix: make one ArgoCdApplications per app"),
    Case("argo-cd-one-environment-twice", in_chart(lambda c: ArgoCdApplications(
        c, "ArgoCd", repo_url="https://git.example.com/d.git",
        environments=[qa := DjangoChart(c.node.root, "qa", django_app=APP, environment=QA), qa])),
        "c/ArgoCd: invalid environments=['qa', 'qa']: expected each environment's chart once. Fix: pass each DjangoChart once"),
    Case("monitoring-worker-twice", in_chart(lambda c: Monitoring(c, "Monitoring", runtime=RUNTIME, worker_components=("worker", "worker"))),
         "c/Monitoring: invalid worker_components=('worker', 'worker'): expected each worker component once. Fix: pass worker_components=('worker',)"),
    Case("argo-cd-cluster-one-chart", in_chart(lambda c: ArgoCdApplications(
        c, "ArgoCd", repo_url="https://git.example.com/d.git", cluster=[c],
        environments=[DjangoChart(c.node.root, "qa", django_app=APP, environment=QA)])), "c/ArgoCd: invalid cluster=['c']: expected two charts: NamespaceFence's, then PreviewReaperAccess's. Fix: pass cluster=[fence_chart, access_chart]"),
    Case("app-name-with-double-hyphen", chart(django_app=replace(APP, name="shop--api")), "qa: invalid django_app.name='shop--api': expected a name without '--' (it ends the app's name in preview namespaces, pr-<app>--<branch>). Fix: use 'shop-api'"),
    Case("namespace-kube-public", chart(environment=replace(QA, namespace="kube-public")), "qa: invalid environment.namespace='kube-public': expected a namespace of the app's own, not 'default' or a 'kube-' one (the cluster's). Fix: set environment.namespace to a name of the app's own, or rename the app or the environment"),
    Case("namespace-with-preview-prefix", chart(environment=replace(QA, namespace="pr-shop-qa")), "qa: invalid environment.namespace='pr-shop-qa': expected a namespace not starting with 'pr-' (cluster-wide, the prefix of preview namespaces, which the preview reaper may delete). Fix: set environment.namespace to a name without the prefix, or rename the app"),
    Case("app-name-with-preview-prefix", chart(django_app=replace(APP, name="pr-tools")), "qa: invalid environment.namespace='pr-tools-qa': expected a namespace not starting with 'pr-' (cluster-wide, the prefix of preview namespaces, which the preview reaper may delete). Fix: set environment.namespace to a name without the prefix, or rename the app"),
    Case("preview-namespace-replaced", chart(environment=replace(Environment.for_branch(
        "feat/x", owner="alice", domain="preview.example.com"), namespace="shop-production")), "pr-feat-x--79b4cc55: invalid environment.namespace='shop-production': expected None for a preview: its namespace is 'pr-shop--feat-x--79b4cc55', from the branch, so that the preview reaper can tell previews apart. Fix: drop namespace="),
    Case("deletion-protection-on-a-preview", chart(environment=Environment.for_branch(
        "feat/x", owner="alice", domain="preview.example.com", deletion_protection=True)), "pr-feat-x--79b4cc55: invalid environment.deletion_protection=True: expected False for a preview (previews expire and are deleted). Fix: drop deletion_protection="),
    Case("shell-operators-on-a-preview", chart(environment=Environment.for_branch(
        "feat/x", owner="alice", domain="preview.example.com", shell_operators="devs")), "pr-feat-x--79b4cc55: invalid environment.shell_operators='devs': expected None for a preview: a preview may create no RBAC (its AppProject refuses Roles and RoleBindings). Fix: drop shell_operators=; exec into a preview with the CI deployer's own access"),
    Case("deletion-protection-not-a-bool", chart(environment=replace(PROD, deletion_protection="yes")), "production: invalid environment.deletion_protection='yes': expected True or False. Fix: pass True or False"),  # type: ignore[arg-type]
    Case("reaper-group-with-quote", in_chart(lambda c: NamespaceFence(c, "Fence", reaper_group="x' || true || '")), "c/Fence: invalid reaper_group=\"x' || true || '\": expected a group name of letters, digits and ':._@/-' (at most 253), not a 'system:' group. Fix: use a group of the reaper's own, e.g. 'cdk8s-django:preview-reaper'"),
    Case("reaper-group-with-backslash", in_chart(lambda c: NamespaceFence(c, "Fence", reaper_group="ci\\")), "c/Fence: invalid reaper_group='ci\\\\': expected a group name of letters, digits and ':._@/-' (at most 253), not a 'system:' group. Fix: use a group of the reaper's own, e.g. 'cdk8s-django:preview-reaper'"),
    Case("reaper-group-empty", in_chart(lambda c: NamespaceFence(c, "Fence", reaper_group="")), "c/Fence: invalid reaper_group='': expected a group name of letters, digits and ':._@/-' (at most 253), not a 'system:' group. Fix: use a group of the reaper's own, e.g. 'cdk8s-django:preview-reaper'"),
    Case("reaper-group-system", in_chart(lambda c: NamespaceFence(c, "Fence", reaper_group="system:authenticated")), "c/Fence: invalid reaper_group='system:authenticated': expected a group name of letters, digits and ':._@/-' (at most 253), not a 'system:' group. Fix: use a group of the reaper's own, e.g. 'cdk8s-django:preview-reaper'"),
    Case("reaper-group-not-a-str", in_chart(lambda c: NamespaceFence(c, "Fence", reaper_group=["ci"])), "c/Fence: invalid reaper_group=['ci']: expected a string. Fix: pass a string"),  # type: ignore[arg-type]
    Case("reaper-access-beside-its-fence", in_chart(
        lambda c: PreviewReaperAccess(c, "Access", fence=NamespaceFence(c, "Fence"))), "c/Access: invalid fence='c/Fence': expected a fence in another chart: one folder would let `kubectl apply -f` grant the access even when the fence fails to apply. Fix: put PreviewReaperAccess in a chart of its own, e.g. Chart(app, 'cluster-2-access')"),
    Case("reaper-access-without-a-fence", in_chart(lambda c: PreviewReaperAccess(c, "Access", fence="cluster-1-fence")), "c/Access: invalid fence='cluster-1-fence': expected NamespaceFence(...). Fix: pass NamespaceFence(...)"),  # type: ignore[arg-type]
    Case("namespace-default", chart(environment=replace(QA, namespace="default")),
         "qa: invalid environment.namespace='default': expected a namespace of the app's own, not 'default' or a 'kube-' one (the cluster's). Fix: set environment.namespace to a name of the app's own, or rename the app or the environment"),
    Case("egress-allow-list-without-managed-cidrs", chart(environment=replace(PROD, network=NetworkAccess(egress=EgressAllowList()))),
         "production: invalid environment.network.egress.managed_cidrs=(): expected the CIDRs of the managed stores' subnets: with an egress allow-list, nothing else reaches RDS or ElastiCache. Fix: pass EgressAllowList(managed_cidrs=('10.20.8.0/21', ...)) with the database and cache subnets"),
    Case("egress-https-cidr-bare-address", chart(environment=replace(QA, network=replace(QA.network, egress=EgressAllowList(https_cidrs=("52.95.0.1",))))),
         "qa/NetworkPolicies: invalid environment.network.egress.https_cidrs[0]='52.95.0.1': expected a CIDR in prefix form with no host bits set, such as '10.0.1.0/24'. Fix: give the subnet's CIDR block (for one address, '10.0.0.1/32')"),
    Case("aws-region-unknown", chart(environment=replace(QA, iam_role_arn="arn:aws:iam::123456789012:role/shop")),
         "qa: invalid environment.aws_region=None: expected the AWS region, e.g. 'eu-west-1': the app talks to AWS (iam_role_arn or media_bucket) and pods cannot read it from the metadata endpoint. Fix: pass aws_region='eu-west-1'"),
    Case("aws-region-malformed", chart(environment=replace(QA, media_bucket="shop-media", aws_region="Ireland")),
         "qa: invalid environment.aws_region='Ireland': expected the AWS region, e.g. 'eu-west-1': the app talks to AWS (iam_role_arn or media_bucket) and pods cannot read it from the metadata endpoint. Fix: pass aws_region='eu-west-1'"),
    Case("hosts-without-ingress", chart(environment=replace(QA, ingress=None)),
         "qa: invalid environment.hosts=('qa.example.com',): expected no public host names without an Ingress (nothing would serve them, and web admits no traffic from outside). Fix: pass ingress=IngressOptions(...) to serve them, or drop hosts"),
    Case("alb-ssl-policy-allows-tls-1-0", chart(environment=replace(QA, ingress=IngressOptions(class_name="alb", tls=AcmCertificate("arn:aws:acm:eu-west-1:1:certificate/x"), ssl_policy="ELBSecurityPolicy-2016-08"))),
         "qa/Web: invalid environment.ingress.ssl_policy='ELBSecurityPolicy-2016-08': expected an ALB security policy that accepts TLS 1.2 and 1.3 only (ELBSecurityPolicy-TLS13-1-2-..., -TLS-1-2-..., -FS-1-2-...). Fix: use the default ELBSecurityPolicy-TLS13-1-2-2021-06 or another TLS 1.2+ policy"),
    Case("alb-group-two-ssl-policies", alb_group_two_ssl_policies,
         "demo: invalid environment.ingress.ssl_policy='ELBSecurityPolicy-TLS13-1-3-2021-06': expected the SSL policy of the other Ingresses of ALB group 'staging' ('ELBSecurityPolicy-TLS13-1-2-2021-06', set by 'qa'): they share one listener. Fix: give every environment of the group the same ssl_policy, or another group_name"),
    # Found by the review of the resolve stage: lower-level props, chart ids, factories, cross-field rules.
    Case("nginx-without-source", chart(environment=replace(QA, ingress=IngressOptions(class_name="nginx", controller=IngressController.NGINX), network=NetworkAccess())),
         "qa: invalid environment.network.ingress_namespace=None: expected the ingress controller's namespace (or the load balancer's CIDRs): without a source, web admits no traffic. Fix: pass network=NetworkAccess(ingress_namespace='ingress-nginx')"),
    Case("nginx-with-an-empty-source", chart(environment=replace(QA, ingress=IngressOptions(class_name="nginx", controller=IngressController.NGINX), network=NetworkAccess(ingress_namespace=""))),
         "qa: invalid environment.network.ingress_namespace='': expected the ingress controller's namespace (or the load balancer's CIDRs): without a source, web admits no traffic. Fix: pass network=NetworkAccess(ingress_namespace='ingress-nginx')"),
    Case("generated-password-other-key", chart(environment=replace(QA, database_password=SecretKeyRef("shop-db", "pw"))),
         "qa: invalid environment.database_password.key='pw': expected 'password' when the password is generated (ESO's generator writes that key). Fix: use SecretKeyRef(<name>, 'password'), or generate_database_password=False with your own Secret"),
    Case("secrets-twice", chart(replace(APP, secrets=("shop-django", "shop-django"))),
         "qa: invalid django_app.secrets='shop-django': expected unique names. Fix: rename one of the two entries named 'shop-django'"),
    Case("web-resources-a-string", in_chart(lambda c: DjangoWeb(c, "Web", runtime=RUNTIME, resources="250m")),  # type: ignore[arg-type]
         "c/Web: invalid resources='250m': expected Resources(...). Fix: pass Resources(...)"),
    Case("postgres-database-an-int", in_chart(lambda c: PostgresStatefulSet(c, "Postgres", runtime=RUNTIME, password=SecretKeyRef("shop-db", "password"), database=5)),  # type: ignore[arg-type]
         'c/Postgres: invalid database=5: expected a string or None. Fix: pass a string'),
    Case("chart-id-an-int", lambda: DjangoChart(App(), 5, django_app=APP, environment=QA),  # type: ignore[arg-type]
         "5: invalid id=5: expected a string: the environment's name. Fix: pass 'qa'"),
    Case("preview-created-at-a-string", lambda: Environment.for_branch("feat/x", owner="alice", domain="preview.example.com", created_at="2026-11-26"),  # type: ignore[arg-type]
         "Environment.for_branch: invalid created_at='2026-11-26': expected datetime(...) or None. Fix: pass datetime(...)"),
    Case("wsgi-application-an-option", chart(replace(APP, wsgi_application="--bind=0.0.0.0")),
         "qa/Web: invalid django_app.wsgi_application='--bind=0.0.0.0': expected a dotted Python path such as 'shop.wsgi:application' or 'shop'. Fix: name the module (and ':attribute') to load"),
    Case("metrics-path-relative", chart(replace(APP, metrics_path="metrics"), replace(QA, monitoring=True)),
         "qa/Monitoring: invalid web_path='metrics': expected an absolute URL path such as '/metrics', without spaces, '?' or '#'. Fix: start the path with '/'"),
    Case("cron-command-one-string", chart(replace(APP, cron={"report": CronTask("0 6 * * 1", command=("send_report --weekly",))})),
         "qa/Cron-report: invalid django_app.cron['report'].command=('send_report --weekly',): expected the command and each argument as separate strings (exec form, no shell). Fix: pass command=('send_report', '--weekly')"),
    Case("aws-secrets-prefix-slash", chart(environment=replace(PROD, aws_secrets=AwsSecretsManager(prefix="/shop/"))),
         "production: invalid environment.aws_secrets.prefix='/shop/': expected a Secrets Manager path such as 'shop/production'. Fix: drop leading and trailing '/' and spaces"),
    Case("namespace-empty", chart(environment=replace(QA, namespace="")),
         "qa: invalid environment.namespace='': expected an RFC 1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit). Fix: use lower case and replace '_' or '.' with '-'"),
    # What the API server would refuse, or what came out wrong, before the resolve stage (issue 9).
    Case("app-name-starts-with-digit", chart(replace(APP, name="1shop")),
         "qa: invalid django_app.name='1shop': expected a name starting with a letter (it prefixes Service names, which are RFC 1035 labels). Fix: prefix it with a letter, e.g. 'app-1shop'"),
    Case("cidr-bare-address", chart(environment=replace(QA, network=NetworkAccess(load_balancer_cidrs=("10.0.0.1",)))),
         "qa/NetworkPolicies: invalid environment.network.load_balancer_cidrs[0]='10.0.0.1': expected a CIDR in prefix form with no host bits set, such as '10.0.1.0/24'. Fix: give the subnet's CIDR block (for one address, '10.0.0.1/32')"),
    Case("cidr-netmask-form", chart(environment=replace(QA, network=NetworkAccess(load_balancer_cidrs=("10.0.0.0/255.255.255.0",)))),
         "qa/NetworkPolicies: invalid environment.network.load_balancer_cidrs[0]='10.0.0.0/255.255.255.0': expected a CIDR in prefix form with no host bits set, such as '10.0.1.0/24'. Fix: give the subnet's CIDR block (for one address, '10.0.0.1/32')"),
    Case("cidr-host-bits", chart(environment=replace(QA, network=NetworkAccess(load_balancer_cidrs=("10.0.0.1/24",)))),
         "qa/NetworkPolicies: invalid environment.network.load_balancer_cidrs[0]='10.0.0.1/24': expected a CIDR in prefix form with no host bits set, such as '10.0.1.0/24'. Fix: give the subnet's CIDR block (for one address, '10.0.0.1/32')"),
    Case("resources-negative", chart(environment=replace(QA, resources={"web": Resources(cpu="-100m")})),
         "qa/Web: invalid environment.resources['web'].cpu='-100m': expected a quantity of zero or more. Fix: drop the sign; write e.g. '100m'"),
    Case("resources-exbibyte", in_chart(lambda c: CeleryWorker(c, "Worker", runtime=RUNTIME, resources=Resources(memory="1Ei", memory_limit="1Mi"))),
         "c/Worker: invalid resources.memory_limit='1Mi': expected at least the memory request (1Ei). Fix: raise memory_limit or lower memory"),
    Case("storage-zero", chart(environment=replace(QA, postgres=InCluster(storage="0"))),
         "qa/Postgres: invalid environment.postgres.storage='0': expected a quantity above zero. Fix: give a size, e.g. '10Gi'"),
    Case("config-file-dotdot", chart(replace(APP, config_files={"..data": "x"})),
         "qa/Config: invalid django_app.config_files='..data': expected a key of letters, digits, '-', '_' and '.', at most 253 characters, not '.' and not starting with '..'. Fix: rename it (names starting with '..' are the kubelet's own)"),
    Case("config-file-too-long", chart(replace(APP, config_files={"a" * 254: "x"})),
         "qa/Config: invalid django_app.config_files='aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa': expected a key of letters, digits, '-', '_' and '.', at most 253 characters, not '.' and not starting with '..'. Fix: rename it (names starting with '..' are the kubelet's own)"),
    Case("secret-ref-bad-name", chart(environment=replace(QA, database_password=SecretKeyRef("Shop_DB", "password"))),
         "qa: invalid environment.database_password.name='Shop_DB': expected an RFC 1123 subdomain of at most 253 characters (lower-case labels joined by '.'). Fix: use lower-case letters, digits, '-' and '.'"),
    Case("secret-ref-bad-key", chart(environment=replace(QA, database_password=SecretKeyRef("shop-db", "pass word"))),
         "qa: invalid environment.database_password.key='pass word': expected a key of letters, digits, '-', '_' and '.', at most 253 characters, not '.' and not starting with '..'. Fix: rename it (names starting with '..' are the kubelet's own)"),
    Case("hosts-a-string", chart(environment=replace(QA, hosts="qa.example.com")),  # type: ignore[arg-type]
         "qa: invalid environment.hosts='qa.example.com': expected a tuple of strings. Fix: pass a tuple of strings"),
    Case("ingress-a-string", chart(environment=replace(QA, ingress="alb")),  # type: ignore[arg-type]
         "qa: invalid environment.ingress='alb': expected IngressOptions(...) or None. Fix: pass IngressOptions(...)"),
    Case("resources-a-list", chart(environment=replace(QA, resources={"web": ["100m", "256Mi"]})),  # type: ignore[dict-item]
         "qa: invalid environment.resources['web']=['100m', '256Mi']: expected Resources(...). Fix: pass Resources(...)"),
    Case("chart-id-with-a-slash", lambda: DjangoChart(App(), "eu/qa", django_app=APP, environment=QA),
         "eu/qa: invalid id='eu/qa': expected the environment's name, which names its folder dist/<id>/ (not empty, no '/'). Fix: pass 'qa'"),
    Case("chart-id-empty", lambda: DjangoChart(App(), "", django_app=APP, environment=QA),
         "DjangoChart: invalid id='': expected the environment's name, which names its folder dist/<id>/ (not empty, no '/'). Fix: pass 'qa'"),
    Case("two-environments-one-name-under-two-parents", two_environments_one_name_under_two_parents,
         "us/qa: invalid id='qa': expected an environment name of its own in the App (it names the folder dist/<id>/). Fix: pass 'shop-us-qa' (the environment's namespace) for a second app's 'qa'"),
    Case("two-environments-one-name", two_environments_one_name,
         "qa: invalid id='qa': expected an id unique within its scope. Fix: give each environment its own name (the chart id and dist/ folder)"),
    Case("cron-python-manage-py", chart(replace(APP, cron={"report": CronTask("0 6 * * 1", command=("python", "manage.py", "send_report"))})),
         "qa/Cron-report: invalid django_app.cron['report'].command=('python', 'manage.py', 'send_report'): expected the management command and its arguments only (the job runs 'python -m django <command>'). Fix: drop 'python' and what launches Django, e.g. command=('clearsessions',)"),
    Case("newrelic-ini-in-config-files", chart(replace(
             APP, newrelic=NewRelic(license_key=SecretKeyRef("shop-newrelic", "license_key"), ini="[newrelic]\n"),
             config_files={"newrelic.ini": "[newrelic]\nmine = 1\n"},
         )),
         "qa: invalid django_app.config_files='newrelic.ini': expected no 'newrelic.ini' when newrelic is set (the library writes it from NewRelic.ini). Fix: put its content in NewRelic(ini=...) and drop it from config_files"),
    Case("static-url-without-slash", chart(environment=replace(QA, static_url="https://cdn.example.com/static")),
         "qa: invalid environment.static_url='https://cdn.example.com/static': expected a URL ending with '/' (Django's check refuses STATIC_URL without one). Fix: use 'https://cdn.example.com/static/'"),
    Case("factory-misspelt-option", lambda: Environment.staging("qa", web_replica=2),  # type: ignore[call-arg]
         "Environment.staging: invalid web_replica=2: expected one of the options aws_region, aws_secrets, database_password, deletion_protection, env, generate_database_password, iam_role_arn, image, max_connections, media_bucket, monitoring, namespace, network, resources, seed, shell_operators, static, static_url, web_autoscaling, web_replicas, worker_autoscaling, worker_replicas. Fix: fix the option's spelling"),
    Case("app-name-not-dns", chart(replace(APP, name="Shop_App")),
         "qa: invalid django_app.name='Shop_App': expected an RFC 1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit). Fix: use lower case and replace '_' or '.' with '-'"),
    Case("app-name-too-long", chart(replace(APP, name="a" * 31)),
         "qa: invalid django_app.name='aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa': expected at most 30 characters (got 31). Fix: shorten it by 1 characters"),
    Case("image-malformed", chart(replace(APP, image="Registry.example.com/Shop:1.4.2")),
         "qa: invalid django_app.image='Registry.example.com/Shop:1.4.2': expected an image reference like 'registry.example.com/shop:1.4.2' or 'shop@sha256:<64 hex>'. Fix: use a lower-case repository path with a tag or a digest"),
    Case("image-bad-digest", chart(replace(APP, image="shop@sha256:1234")),
         "qa: invalid django_app.image='shop@sha256:1234': expected an image reference like 'registry.example.com/shop:1.4.2' or 'shop@sha256:<64 hex>'. Fix: use a lower-case repository path with a tag or a digest"),
    Case("environment-image-malformed", chart(environment=replace(QA, image="shop:")),
         "qa: invalid environment.image='shop:': expected an image reference like 'registry.example.com/shop:1.4.2' or 'shop@sha256:<64 hex>'. Fix: use a lower-case repository path with a tag or a digest"),
    Case("settings-module", chart(replace(APP, settings_module="shop/settings.py")),
         "qa: invalid django_app.settings_module='shop/settings.py': expected a dotted Python module path such as 'shop.settings'. Fix: use the value of DJANGO_SETTINGS_MODULE"),
    Case("duplicate-workers", chart(replace(APP, workers=(Worker(), Worker()))),
         "qa: invalid django_app.workers='worker': expected unique names. Fix: rename one of the two entries named 'worker'"),
    Case("secret-name", chart(replace(APP, secrets=("Shop_Secrets",))),
         "qa: invalid django_app.secrets[0]='Shop_Secrets': expected an RFC 1123 subdomain of at most 253 characters (lower-case labels joined by '.'). Fix: use lower-case letters, digits, '-' and '.'"),
    Case("environment-name", chart(environment=replace(QA, name="QA")),
         "QA: invalid environment.name='QA': expected an RFC 1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit). Fix: use lower case and replace '_' or '.' with '-'"),
    Case("namespace-too-long", chart(environment=replace(QA, namespace="n" * 64)),
         "qa: invalid environment.namespace='nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn': expected at most 63 characters (got 64). Fix: shorten it by 1 characters"),
    Case("web-replicas-range", chart(environment=replace(QA, web_replicas=-1)),
         "qa/Web: invalid environment.web_replicas=-1: expected a whole number from 0 to 1000. Fix: pick a value between 0 and 1000"),
    Case("worker-replicas-type", chart(environment=replace(QA, worker_replicas="2")),  # type: ignore[arg-type]
         "qa: invalid environment.worker_replicas='2': expected a whole number. Fix: pass a whole number"),
    Case("production-in-cluster-store", chart(environment=replace(PROD, cache=InCluster())),
         "production: invalid environment.cache=InCluster(storage=None, storage_class='gp3', image=None): expected a Managed store in production (in-cluster stores are for throwaway staging). Fix: pass cache=Managed('<endpoint host name>')"),
    Case("store-wrong-type", chart(environment=replace(QA, postgres="postgres.example.com")),  # type: ignore[arg-type]
         "qa: invalid environment.postgres='postgres.example.com': expected InCluster(...) or Managed(...). Fix: pass InCluster(...) or Managed(...)"),
    Case("managed-host-ip", chart(environment=replace(PROD, postgres=Managed("10.0.0.12"))),
         "production/Postgres: invalid environment.postgres.host='10.0.0.12': expected a lower-case DNS host name such as 'shop.example.com' (not an IP address, no scheme or port). Fix: give the bare DNS name; for an IP address create a DNS record first"),
    Case("managed-host-url", chart(environment=replace(PROD, postgres=Managed("postgres://db.example.com"))),
         "production/Postgres: invalid environment.postgres.host='postgres://db.example.com': expected a lower-case DNS host name such as 'shop.example.com' (not an IP address, no scheme or port). Fix: give the bare DNS name; for an IP address create a DNS record first"),
    Case("managed-port-range", chart(environment=replace(PROD, postgres=Managed("db.example.com", port=70000))),
         "production/Postgres: invalid environment.postgres.port=70000: expected a whole number from 1 to 65535. Fix: pick a value between 1 and 65535"),
    Case("ingress-without-hosts", chart(environment=replace(QA, hosts=())),
         "qa/Web: invalid environment.hosts=(): expected at least one host name when an Ingress is requested. Fix: pass hosts=('shop.example.com',) or drop ingress"),
    Case("host-name-uppercase", chart(environment=replace(QA, hosts=("QA.example.com",))),
         "qa/Web: invalid environment.hosts[0]='QA.example.com': expected a lower-case DNS host name such as 'shop.example.com' (not an IP address, no scheme or port). Fix: give the bare DNS name; for an IP address create a DNS record first"),
    Case("acm-with-nginx", chart(environment=replace(QA, ingress=IngressOptions(class_name="nginx", controller=IngressController.NGINX, tls=AcmCertificate("arn:aws:acm:eu-west-1:1:certificate/x")))),
         "qa/Web: invalid environment.ingress.tls=AcmCertificate(arn='arn:aws:acm:eu-west-1:1:certificate/x'): expected an ACM certificate only with the AWS Load Balancer Controller. Fix: use CertManagerIssuer with nginx, or controller=IngressController.AWS_LOAD_BALANCER"),
    Case("cert-manager-with-alb", chart(environment=replace(QA, ingress=IngressOptions(class_name="alb", tls=CertManagerIssuer("letsencrypt")))),
         "qa/Web: invalid environment.ingress.tls=CertManagerIssuer(name='letsencrypt', kind='ClusterIssuer'): expected cert-manager only with an nginx-class controller (an ALB cannot serve a certificate from a Secret). Fix: use AcmCertificate with the ALB, or controller=IngressController.NGINX"),
    Case("acm-arn-malformed", chart(environment=replace(QA, ingress=IngressOptions(class_name="alb", tls=AcmCertificate("certificate/x")))),
         "qa/Web: invalid environment.ingress.tls.arn='certificate/x': expected an ACM certificate ARN ('arn:aws:acm:<region>:<account>:certificate/<id>'). Fix: copy the ARN from the ACM console"),
    Case("group-name-with-nginx", chart(environment=replace(QA, ingress=IngressOptions(class_name="nginx", controller=IngressController.NGINX, group_name="staging"))),
         "qa/Web: invalid environment.ingress.group_name='staging': expected no group name with nginx (ALB groups are an AWS Load Balancer Controller feature). Fix: drop group_name"),
    Case("ingress-class-name", chart(environment=replace(QA, ingress=IngressOptions(class_name="ALB"))),
         "qa/Web: invalid environment.ingress.class_name='ALB': expected an RFC 1123 subdomain of at most 253 characters (lower-case labels joined by '.'). Fix: use lower-case letters, digits, '-' and '.'"),
    Case("issuer-kind", chart(environment=replace(QA, ingress=IngressOptions(class_name="nginx", controller=IngressController.NGINX, tls=CertManagerIssuer("le", kind="Certificate")))),
         "qa/Web: invalid environment.ingress.tls.kind='Certificate': expected 'ClusterIssuer' or 'Issuer'. Fix: pick one of the two"),
    Case("worker-queues-empty", chart(replace(APP, workers=(Worker(queues=()),))),
         "qa/Worker-worker: invalid Worker('worker').queues=(): expected a non-empty tuple of queue names. Fix: pass queues=('default',)"),
    Case("worker-queue-comma", chart(replace(APP, workers=(Worker(queues=("a,b",)),))),
         "qa/Worker-worker: invalid Worker('worker').queues='a,b': expected a queue name without commas or spaces. Fix: rename the queue"),
    Case("worker-queues-duplicate", chart(replace(APP, workers=(Worker(queues=("a", "a")),))),
         "qa/Worker-worker: invalid Worker('worker').queues='a': expected unique names. Fix: rename one of the two entries named 'a'"),
    Case("worker-concurrency", chart(replace(APP, workers=(Worker(concurrency=0),))),
         "qa/Worker-worker: invalid Worker('worker').concurrency=0: expected a whole number from 1 to 256. Fix: pick a value between 1 and 256"),
    Case("worker-time-limit", chart(replace(APP, workers=(Worker(task_time_limit=0),))),
         "qa/Worker-worker: invalid Worker('worker').task_time_limit=0: expected a whole number from 1 to 86400. Fix: pick a value between 1 and 86400"),
    Case("worker-name", chart(replace(APP, workers=(Worker(name="Emails"),))),
         "qa/Worker-Emails: invalid Worker('Emails').name='Emails': expected an RFC 1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit). Fix: use lower case and replace '_' or '.' with '-'"),
    Case("beat-replicas", in_chart(lambda c: CeleryBeat(c, "Beat", runtime=RUNTIME, replicas=2)),
         "c/Beat: invalid replicas=2: expected exactly 1 (two beat processes send every periodic task twice). Fix: run one CeleryBeat; scale workers instead"),
    Case("beat-scheduler-type", in_chart(lambda c: CeleryBeat(c, "Beat", runtime=RUNTIME, scheduler="database")),  # type: ignore[arg-type]
         "c/Beat: invalid scheduler='database': expected BeatScheduler.FILE or BeatScheduler.DATABASE. Fix: pass BeatScheduler.FILE or BeatScheduler.DATABASE"),
    Case("cron-six-fields", chart(replace(APP, cron={"clearsessions": "0 0 3 * * *"})),
         "qa/Cron-clearsessions: invalid django_app.cron['clearsessions']='0 0 3 * * *': expected a five-field cron schedule as Kubernetes reads it ('minute hour day-of-month month day-of-week', day of week 0-6, no L, W or #) or @hourly/@daily/@weekly/@monthly/@yearly. Fix: for example '0 3 * * *' for 03:00 every day; set the time zone with time_zone, not in the schedule"),
    Case("cron-out-of-range", chart(replace(APP, cron={"clearsessions": "61 3 * * *"})),
         "qa/Cron-clearsessions: invalid django_app.cron['clearsessions']='61 3 * * *': expected a five-field cron schedule as Kubernetes reads it ('minute hour day-of-month month day-of-week', day of week 0-6, no L, W or #) or @hourly/@daily/@weekly/@monthly/@yearly. Fix: for example '0 3 * * *' for 03:00 every day; set the time zone with time_zone, not in the schedule"),
    Case("cron-name-too-long", chart(replace(APP, cron={"x" * 50: "0 3 * * *"})),
         "qa/Cron-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx: invalid django_app.cron['xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']='xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx': expected a name whose CronJob name 'shop-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' fits 52 characters (it has 55). Fix: shorten the name by 3 characters"),
    Case("cron-name-not-dns", chart(replace(APP, cron={"Clear.Sessions": "0 3 * * *"})),
         "qa/Cron-Clear.Sessions: invalid django_app.cron['Clear.Sessions']='Clear.Sessions': expected an RFC 1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit). Fix: use lower case and replace '_' or '.' with '-'"),
    Case("cron-names-derive-to-one", chart(replace(APP, cron={"clear_sessions": "0 3 * * *", "clear-sessions": "0 4 * * *"})),
         "qa: invalid django_app.cron['clear_sessions']='clear_sessions': expected a key whose CronJob name is its own: 'clear-sessions' and"
         " 'clear_sessions' are both 'clear-sessions'. Fix: rename one of the two keys"),
    Case("cron-time-zone", chart(replace(APP, cron={"clearsessions": CronTask("0 3 * * *", time_zone="Mars/Olympus")})),
         "qa/Cron-clearsessions: invalid django_app.cron['clearsessions'].time_zone='Mars/Olympus': expected an IANA time zone name such as 'Etc/UTC' or 'Europe/Dublin'. Fix: use a name from the tz database (zoneinfo.available_timezones())"),
    Case("cron-command-empty", chart(replace(APP, cron={"clearsessions": CronTask("0 3 * * *", command=())})),
         "qa/Cron-clearsessions: invalid django_app.cron['clearsessions'].command=(): expected a list of strings, none blank: the command then its arguments. Fix: pass command=('clearsessions',)"),
    Case("env-name-too-long-for-a-configmap-key", chart(django_app=replace(APP, env={"A" * 254: "x"})),
         f"qa: invalid django_app.env={'A' * 254!r}: expected an environment variable name of at most 253 characters (a ConfigMap key;"
         " it has 254). Fix: shorten it to 253 characters or fewer"),
    Case("cache-and-broker-on-one-server", chart(environment=replace(PROD, broker=Managed("CACHE.example.com."))),
         "production: invalid environment.broker=Managed(host='CACHE.example.com.', port=None, tls=True, ca_bundle='/etc/ssl/certs/rds-global-bundle.pem'):"
         " expected a server other than environment.cache's (cache.example.com:6379): a cache evicts keys under memory pressure and would"
         " evict queued tasks with them. Fix: give the broker a server of its own (e.g. a second ElastiCache cluster, noeviction)"),
    Case("production-seed", chart(environment=replace(PROD, seed=SeedData(fixtures=("demo",)))),
         "production: invalid environment.seed=SeedData(fixtures=('demo',), superuser_secret=None): expected no seed in production (fixtures for"
         " staging and previews; the Job reruns with every new image). Fix: drop seed=; load production data with a one-off Job or a migration"),
    Case("memory-zero", chart(environment=replace(QA, resources={"web": Resources(memory="0")})),
         "qa/Web: invalid environment.resources['web'].memory='0': expected a quantity above zero. Fix: give a size, e.g. '256Mi'"),
    Case("cpu-zero-with-cpu-autoscaler", chart(environment=replace(QA, resources={"web": Resources(cpu="0")}, web_autoscaling=Autoscaling(2, 4))),
         "qa/Web: invalid environment.resources['web'].cpu='0': expected a CPU request above zero with a CPU-utilization autoscaler."
         " Fix: give a request, e.g. cpu='100m', or drop the autoscaler"),
    Case("cron-command-blank", chart(django_app=replace(APP, cron={"report": CronTask("0 6 * * 1", command=("send_report", " "))})),
         "qa/Cron-report: invalid django_app.cron['report'].command=('send_report', ' '): expected a list of strings, none blank: the command then its arguments. Fix: pass command=('clearsessions',)"),
    Case("cron-command-string", in_chart(lambda c: ManagementCronJob(c, "Cron", runtime=RUNTIME, name="x", schedule="@daily", command="clearsessions")),
         "c/Cron: invalid command='clearsessions': expected a tuple of strings or None. Fix: pass a tuple of strings"),
    Case("cache-storage", chart(environment=replace(QA, cache=InCluster(storage="5Gi"))),
         "qa: invalid environment.cache.storage='5Gi': expected no storage: the in-cluster cache keeps no volume (it starts empty"
         " after a restart). Fix: drop storage= from cache=InCluster(...); size its memory with Environment.resources['redis']"),
    Case("storage-quantity", chart(environment=replace(QA, postgres=InCluster(storage="10GB"))),
         "qa/Postgres: invalid environment.postgres.storage='10GB': expected a Kubernetes quantity such as '10Gi', '512Mi' or '250m'. Fix: write the number then a suffix (Ki, Mi, Gi, Ti, m, k, M, G), as a string"),
    Case("storage-class", chart(environment=replace(QA, postgres=InCluster(storage_class="GP3"))),
         "qa/Postgres: invalid environment.postgres.storage_class='GP3': expected an RFC 1123 subdomain of at most 253 characters (lower-case labels joined by '.'). Fix: use lower-case letters, digits, '-' and '.'"),
    Case("postgres-image", in_chart(lambda c: PostgresStatefulSet(c, "Pg", runtime=RUNTIME, password=SecretKeyRef("db", "password"), image="postgres:")),
         "c/Pg: invalid image='postgres:': expected an image reference like 'registry.example.com/shop:1.4.2' or 'shop@sha256:<64 hex>'. Fix: use a lower-case repository path with a tag or a digest"),
    Case("redis-role-type", in_chart(lambda c: RedisStatefulSet(c, "Redis", runtime=RUNTIME, role="cache")),  # type: ignore[arg-type]
         "c/Redis: invalid role='cache': expected StoreRole.POSTGRES or StoreRole.CACHE or StoreRole.BROKER. Fix: pass StoreRole.POSTGRES or StoreRole.CACHE or StoreRole.BROKER"),
    Case("web-port", in_chart(lambda c: DjangoWeb(c, "Web", runtime=RUNTIME, port=0)),
         "c/Web: invalid port=0: expected a whole number from 1 to 65535. Fix: pick a value between 1 and 65535"),
    Case("web-health-path", in_chart(lambda c: DjangoWeb(c, "Web", runtime=RUNTIME, health_check_path="healthz")),
         "c/Web: invalid health_check_path='healthz': expected an absolute URL path such as '/healthz/', without spaces, '?' or '#'. Fix: start the path with '/'"),
    Case("web-health-path-query", in_chart(lambda c: DjangoWeb(c, "Web", runtime=RUNTIME, health_check_path="/healthz/?full=1")),
         "c/Web: invalid health_check_path='/healthz/?full=1': expected an absolute URL path such as '/healthz/', without spaces, '?' or '#'. Fix: drop the spaces, the query string and the fragment"),
    Case("web-health-path-space", in_chart(lambda c: DjangoWeb(c, "Web", runtime=RUNTIME, health_check_path="/health check/")),
         "c/Web: invalid health_check_path='/health check/': expected an absolute URL path such as '/healthz/', without spaces, '?' or '#'. Fix: drop the spaces, the query string and the fragment"),
    Case("web-gunicorn-workers", in_chart(lambda c: DjangoWeb(c, "Web", runtime=RUNTIME, workers=0)),
         "c/Web: invalid workers=0: expected a whole number from 1 to 64. Fix: pick a value between 1 and 64"),
    Case("env-var-name", chart(replace(APP, env={"NEW-RELIC": "1"})),
         "qa: invalid django_app.env='NEW-RELIC': expected an environment variable name ([A-Za-z_][A-Za-z0-9_]*). Fix: use letters, digits and '_', not starting with a digit"),
    Case("env-var-value", chart(replace(APP, env={"WORKERS": 4})),  # type: ignore[dict-item]
         "qa: invalid django_app.env['WORKERS']=4: expected a string. Fix: pass a string"),
    Case("config-file-name", chart(replace(APP, config_files={"../newrelic.ini": "x"})),
         "qa/Config: invalid django_app.config_files='../newrelic.ini': expected a key of letters, digits, '-', '_' and '.', at most 253 characters, not '.' and not starting with '..'. Fix: rename it (names starting with '..' are the kubelet's own)"),
    Case("config-file-content", in_chart(lambda c: AppConfig(c, "Config", app="shop", namespace="shop-qa", env={}, files={"a.ini": b"x"})),  # type: ignore[dict-item]
         "c/Config: invalid files['a.ini']=b'x': expected a string. Fix: pass a string"),
    Case("managed-store-component", in_chart(lambda c: ManagedDataStore(c, "Db", runtime=RUNTIME, component="Postgres", host="db.example.com", port=5432)),
         "c/Db: invalid component='Postgres': expected an RFC 1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit). Fix: use lower case and replace '_' or '.' with '-'"),
    Case("migration-ttl", in_chart(lambda c: MigrationJob(c, "Migrate", runtime=RUNTIME, ttl_seconds_after_finished=-1)),
         "c/Migrate: invalid ttl_seconds_after_finished=-1: expected a whole number from 0 to 31536000. Fix: pick a value between 0 and 31536000"),
    Case("duplicate-construct-id", duplicate_id,
         "c/Worker: invalid id='Worker': expected an id unique within its scope. Fix: give the second construct another id"),
    Case("duplicate-object-name", duplicate_object_name,
         "qa: two objects would be written to qa/09-configmap-shop-env.yaml (ConfigMap 'shop-env'). Fix: give one of them another name"),
    Case("production-latest-image", chart(replace(APP, image="registry.example.com/shop:latest"), PROD),
         "production: invalid django_app.image='registry.example.com/shop:latest': expected a pinned image in production: a tag other than 'latest', or a digest. Fix: use 'repo:1.4.2' or, better, 'repo@sha256:<digest>'"),
    Case("production-untagged-image", chart(replace(APP, image="registry.example.com/shop"), PROD),
         "production: invalid django_app.image='registry.example.com/shop': expected a pinned image in production: a tag other than 'latest', or a digest. Fix: use 'repo:1.4.2' or, better, 'repo@sha256:<digest>'"),
    Case("production-web-min-replicas", chart(environment=replace(PROD, web_autoscaling=Autoscaling(min_replicas=1))),
         "production: invalid environment.web_autoscaling.min_replicas=1: expected at least 2 in production (one pod means downtime on every node drain). Fix: set min_replicas=2 or more"),
    Case("connection-budget", chart(replace(APP, gunicorn_threads=8), replace(PROD, max_connections=150)),
         "production: invalid environment.max_connections=150: expected room for 243 connections (migrate 1 + web 13 pods (10 + rollout surge) x 2 workers x 8 threads = 208 + worker 8 pods (6 + rollout surge) x 4 processes = 32 + beat 1 + shell 1; plus 3 reserved for superusers). Fix: raise max_connections, lower max replicas, gunicorn threads or worker concurrency, or pool connections with PgBouncer"),
    Case("max-connections-range", chart(environment=replace(QA, max_connections=0)),
         "qa: invalid environment.max_connections=0: expected a whole number from 1 to 262143. Fix: pick a value between 1 and 262143"),
    Case("autoscaling-max-below-min", chart(environment=replace(PROD, worker_autoscaling=Autoscaling(min_replicas=4, max_replicas=3))),
         "production/Worker-worker: invalid environment.worker_autoscaling.max_replicas=3: expected a whole number from 4 to 1000. Fix: pick a value between 4 and 1000"),
    Case("autoscaling-cpu-target", in_chart(lambda c: DjangoWeb(c, "Web", runtime=RUNTIME, autoscaling=Autoscaling(cpu_utilization=0))),
         "c/Web: invalid autoscaling.cpu_utilization=0: expected a whole number from 1 to 100. Fix: pick a value between 1 and 100"),
    Case("keda-without-address", in_chart(lambda c: CeleryWorker(c, "Worker", runtime=RUNTIME, autoscaling=QueueAutoscaling())),
         "c/Worker: invalid autoscaling.address=None: expected the broker KEDA reads queue lengths from. Fix: pass broker=<the RedisStatefulSet or ManagedDataStore> (DjangoChart does this) or set address='host:port'"),
    Case("hpa-on-beat", in_chart(lambda c: CeleryBeat(c, "Beat", runtime=RUNTIME, autoscaling=Autoscaling())),
         "c/Beat: invalid autoscaling=Autoscaling(min_replicas=2, max_replicas=10, cpu_utilization=70): expected no autoscaler on beat (it must run exactly once; an HPA or KEDA could start a second). Fix: drop autoscaling from CeleryBeat; autoscale the workers"),
    Case("worker-metrics-port", chart(replace(APP, workers=(Worker(metrics_port=70000),))),
         "qa/Worker-worker: invalid Worker('worker').metrics_port=70000: expected a whole number from 1 to 65535. Fix: pick a value between 1 and 65535"),
    Case("iam-role-arn", chart(environment=replace(PROD, iam_role_arn="shop-role")),
         "production: invalid environment.iam_role_arn='shop-role': expected an IAM role ARN ('arn:aws:iam::<12-digit account>:role/<name>', or another partition's: arn:aws-cn, arn:aws-us-gov). Fix: copy the role's ARN"),
    Case("load-balancer-cidr-everything", chart(environment=replace(QA, network=NetworkAccess(load_balancer_cidrs=("0.0.0.0/0",)))),
         "qa: invalid environment.network.load_balancer_cidrs=('0.0.0.0/0',): expected the load balancer's own subnets, not every address (a /0 admits the whole internet and every pod to web). Fix: pass the ALB subnets' CIDRs, e.g. ('10.0.0.0/24', '10.0.1.0/24')"),
    Case("run-as-root", chart(replace(APP, run_as_user=0)),
         "qa: invalid django_app.run_as_user=0: expected a non-root UID (1 to 2147483647; above 10000 avoids clashing with node users). Fix: use the default 10001 or the image's app user"),
    Case("gunicorn-threads", chart(replace(APP, gunicorn_threads=0)),
         "qa/Web: invalid django_app.gunicorn_threads=0: expected a whole number from 1 to 256. Fix: pick a value between 1 and 256"),
    Case("network-cidr", chart(environment=replace(QA, network=NetworkAccess(load_balancer_cidrs=("10.0.0.0/33",)))),
         "qa/NetworkPolicies: invalid environment.network.load_balancer_cidrs[0]='10.0.0.0/33': expected a CIDR in prefix form with no host bits set, such as '10.0.1.0/24'. Fix: give the subnet's CIDR block (for one address, '10.0.0.1/32')"),
    Case("network-namespace", chart(environment=replace(QA, network=NetworkAccess(load_balancer_cidrs=("10.0.0.0/24",), ingress_namespace="Ingress_Nginx"))),
         "qa/NetworkPolicies: invalid environment.network.ingress_namespace='Ingress_Nginx': expected an RFC 1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit). Fix: use lower case and replace '_' or '.' with '-'"),
    Case("secret-store-kind", in_chart(lambda c: AwsSecret(c, "S", runtime=RUNTIME, name="db", store=AwsSecretsManager(kind="Vault"), remote_key="k")),
         "c/S: invalid store.kind='Vault': expected 'ClusterSecretStore' or 'SecretStore'. Fix: pick one of the two"),
    Case("generated-password-length", in_chart(lambda c: GeneratedPassword(c, "P", runtime=RUNTIME, name="db", length=8)),
         "c/P: invalid length=8: expected a whole number from 16 to 128. Fix: pick a value between 16 and 128"),
    Case("shell-operators-group", in_chart(lambda c: ShellAccess(c, "A", runtime=RUNTIME, group=" ", pod_name="shop-shell-0")),
         "c/A: invalid group=' ': expected a non-empty group name. Fix: pass the operators' group name"),
    Case("environment-named-like-a-preview", chart(environment=replace(QA, name="pr-qa")),
         "pr-qa: invalid environment.name='pr-qa': expected a name not starting with 'pr-' (reserved for previews, which expire). Fix: use Environment.for_branch(...) for previews and another name otherwise"),
    Case("worker-named-like-a-store", chart(replace(APP, workers=(Worker(name="postgres"),))),
         "qa: invalid django_app.workers and django_app.cron='postgres': expected a name other than beat, config, default-deny, env, files, memcached, migrate, namespace, network-policy, postgres, rabbitmq, redis-broker, redis-cache, secrets, seed, service-account, shell, shell-exec, web (the library's own components). Fix: rename it, e.g. 'postgres-task'"),
    Case("cron-named-like-a-worker", chart(replace(APP, cron={"worker": "0 3 * * *"})),
         "qa: invalid django_app.workers and django_app.cron='worker': expected unique names. Fix: rename one of the two entries named 'worker'"),
    Case("env-reserved-name", chart(replace(APP, env={"ALLOWED_HOSTS": "*"})),
         "qa: invalid django_app.env='ALLOWED_HOSTS': expected a variable the library does not set itself (it would be ignored). Fix: see the README's app contract; drop it"),
    Case("env-secret-in-configmap", chart(environment=replace(QA, env={"STRIPE_API_KEY": "sk_live_x"})),
         "qa: invalid environment.env='STRIPE_API_KEY': expected no secret in a ConfigMap (dist/ is committed): the name looks secret. Fix: put it in a Secret listed in DjangoApp.secrets, or read it from AWS Secrets Manager (Environment.aws_secrets); if it is not secret, list it in DjangoApp.not_secret"),
    Case("resources-unknown-key", chart(environment=replace(QA, resources={"webs": Resources()})),
         "qa: invalid environment.resources='webs': expected one of beat, cron, memcached, migrate, postgres, rabbitmq, redis, shell, web, worker. Fix: fix the key's spelling"),
    Case("resources-bad-cpu", chart(environment=replace(QA, resources={"web": Resources(cpu="lots")})),
         "qa/Web: invalid environment.resources['web'].cpu='lots': expected a Kubernetes quantity such as '10Gi', '512Mi' or '250m'. Fix: write the number then a suffix (Ki, Mi, Gi, Ti, m, k, M, G), as a string"),
    Case("resources-limit-below-request", in_chart(lambda c: CeleryWorker(c, "Worker", runtime=RUNTIME, resources=Resources(memory="512Mi", memory_limit="256Mi"))),
         "c/Worker: invalid resources.memory_limit='256Mi': expected at least the memory request (512Mi). Fix: raise memory_limit or lower memory"),
    Case("cron-day-of-week-7", chart(replace(APP, cron={"clearsessions": "0 3 * * 7"})),
         "qa/Cron-clearsessions: invalid django_app.cron['clearsessions']='0 3 * * 7': expected a five-field cron schedule as Kubernetes reads it ('minute hour day-of-month month day-of-week', day of week 0-6, no L, W or #) or @hourly/@daily/@weekly/@monthly/@yearly. Fix: for example '0 3 * * *' for 03:00 every day; set the time zone with time_zone, not in the schedule"),
    Case("cron-last-day", chart(replace(APP, cron={"clearsessions": "0 3 L * *"})),
         "qa/Cron-clearsessions: invalid django_app.cron['clearsessions']='0 3 L * *': expected a five-field cron schedule as Kubernetes reads it ('minute hour day-of-month month day-of-week', day of week 0-6, no L, W or #) or @hourly/@daily/@weekly/@monthly/@yearly. Fix: for example '0 3 * * *' for 03:00 every day; set the time zone with time_zone, not in the schedule"),
    Case("redis-max-memory-above-limit", in_chart(lambda c: RedisStatefulSet(c, "Cache", runtime=RUNTIME, role=RedisRole.CACHE, max_memory="256Mi")),
         "c/Cache: invalid max_memory='256Mi': expected less than the container's memory limit (256Mi). Fix: lower max_memory or raise resources.memory_limit; leave about 30% headroom"),
    Case("alb-without-load-balancer-cidrs", chart(environment=replace(QA, network=NetworkAccess())),
         "qa: invalid environment.network.load_balancer_cidrs=(): expected the CIDRs of the ALB's subnets (with IP targets, traffic to the pods comes from there). Fix: pass network=NetworkAccess(load_balancer_cidrs=('10.0.0.0/24', ...)); not the whole VPC, whose pods would then all reach web"),
    Case("web-metrics-port-is-web-port", in_chart(lambda c: DjangoWeb(c, "Web", runtime=RUNTIME, metrics_port=8000)),
         "c/Web: invalid metrics_port=8000: expected a port other than the web port 8000. Fix: the Ingress exposes the web port: use another one, e.g. 9100"),
    Case("web-metrics-port-is-web-port-9100", in_chart(lambda c: DjangoWeb(c, "Web", runtime=RUNTIME, port=9100, metrics_port=9100)),
         "c/Web: invalid metrics_port=9100: expected a port other than the web port 9100. Fix: the Ingress exposes the web port: use another one, e.g. 9101"),
    Case("not-a-django-app", lambda: DjangoChart(App(), "qa", django_app={"name": "shop"}, environment=QA),  # type: ignore[arg-type]
         "qa: invalid django_app='dict': expected a DjangoApp. Fix: build one with DjangoApp(name=..., image=..., settings_module=...)"),
]

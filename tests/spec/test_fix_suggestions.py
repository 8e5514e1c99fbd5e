"""Issue 21 §3: a fix that suggests a value suggests one the same check accepts.

Each refused spec whose fix names a literal value (``use '/static/'``, ``e.g. '256Mi'``,
``pass queues=('default',)``, ``set min_replicas=2``) gets that value put where the error
points, and is built again: the error may move on to another prop, never stay on this one.
The specs are specgen's invalid ones (one bad value each; ``make fuzz`` tries the fix of every
one it draws), the cases whose suggestions were wrong, and the rules themselves under
hypothesis where a suggestion is made from the value.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace

import pytest
from cdk8s import App
from cdk8s_django import ConfigError, DjangoApp, DjangoChart, Environment, Resources
from cdk8s_django.model import _validation as v
from fix_check import check_the_fix, suggestion
from hypothesis import given, settings
from hypothesis import strategies as st
from specgen import random_invalid_case

SEEDS = range(600)


def test_every_suggested_value_of_random_invalid_specs_passes_its_own_check() -> None:
    tried = set()
    for seed in SEEDS:
        app, env, _, _ = random_invalid_case(random.Random(seed))
        if isinstance(app, DjangoApp) and isinstance(env, Environment) and isinstance(env.name, str):
            prop = check_the_fix(app, env)
            if prop is not None:
                tried.add(re.sub(r"\[[^]]*\]|\('[^']*'\)", "[]", prop))
    # the walk reaches the suggestions the generator's mutations provoke (it cannot fail by finding none)
    assert {"django_app.image", "environment.static_url", "environment.web_autoscaling.min_replicas", "environment.hosts",
            "django_app.name", "environment.resources[].memory_limit", "django_app.web_metrics_port"} <= tried, sorted(tried)


APP = DjangoApp(name="shop", image="registry.example.com/shop:1.4.2", settings_module="shop.settings")


@pytest.mark.parametrize(("app", "env"), [
    (APP, Environment.staging("qa", resources={"web": Resources(cpu="100m", memory="1Gi", memory_limit="0")})),
    (APP, Environment.staging("qa", resources={"web": Resources(cpu="100m", memory="512Mi", memory_limit="-1Gi")})),
    (replace(APP, name="1" + "s" * 27), Environment.staging("qa")),
    (APP, Environment.staging("qa", static_url="/assets")),
    (replace(APP, web_metrics_port=8000), Environment.staging("qa", monitoring=True)),
])
def test_the_suggestions_that_were_wrong_now_pass(app: DjangoApp, env: Environment) -> None:
    assert check_the_fix(app, env) is not None


def test_a_chart_id_fix_suggests_the_environment_name() -> None:
    with pytest.raises(ConfigError) as raised:
        DjangoChart(App(), "", django_app=APP, environment=Environment.staging("demo"))
    assert raised.value.fix == "pass 'demo'"


_LABEL_CHARS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=70)


@settings(max_examples=300, deadline=None)
@given(value=_LABEL_CHARS, max_len=st.integers(min_value=10, max_value=63))
def test_a_name_prefixed_with_a_letter_fits_its_length(value: str, max_len: int) -> None:
    try:
        v.check_dns1035_label("x", "name", value, max_len)
    except ConfigError as error:
        found = suggestion(error.fix)
        if found is not None:
            v.check_dns1035_label("x", "name", found[1], max_len)


@settings(max_examples=300, deadline=None)
@given(label=st.text(alphabet="abcüößéñçå-XY", min_size=1, max_size=70), wildcard=st.booleans())
def test_a_punycode_suggestion_is_a_host_name(label: str, wildcard: bool) -> None:
    try:
        v.check_host_name("x", "host", f"{label}.example.com", wildcard=wildcard)
    except ConfigError as error:
        found = suggestion(error.fix)
        if found is not None:
            v.check_host_name("x", "host", found[1], wildcard=wildcard)


@settings(max_examples=300, deadline=None)
@given(memory=st.sampled_from(["64Mi", "256Mi", "300Mi", "1Gi", "4Gi"]), limit=st.sampled_from(["0", "-1", "-2Gi", "0Mi"]))
def test_a_memory_limit_suggestion_is_at_least_the_request(memory: str, limit: str) -> None:
    with pytest.raises(ConfigError) as raised:
        v.check_resources("x", "resources", Resources(cpu="100m", memory=memory, memory_limit=limit))
    found = suggestion(raised.value.fix)
    assert found is not None
    v.check_resources("x", "resources", Resources(cpu="100m", memory=memory, memory_limit=found[1]))

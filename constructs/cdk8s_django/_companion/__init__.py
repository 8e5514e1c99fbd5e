r'''
# cdk8s-django-companion

The library's Node side, built with the jsii toolchain from `src/index.ts`: `Manifests.emit` makes
a batch of manifests the Python code computed into cdk8s `ApiObject`s with one jsii call (stock
cdk8s takes three per object), and `Manifests.chartJson` returns a chart's documents as one JSON
string.

`make companion` rebuilds it and writes the Python bindings jsii-pacmak generates to
`constructs/cdk8s_django/_companion/` (committed, so installing the library needs no npm). A test
rebuilds it and compares every byte.
'''
from __future__ import annotations

from pkgutil import extend_path
__path__ = extend_path(__path__, __name__)

import abc
import builtins
import datetime
import enum
import typing

import jsii
import publication
import typing_extensions

from jsii._type_checking import cached_type_hints, check_type


from ._jsii import *

class _LazyImport:
    def __init__(self, module_name: str) -> None:
        self._module_name = module_name
        self._module: typing.Any = None
    def __getattr__(self, name: str) -> typing.Any:
        if self._module is None:
            import importlib
            self._module = importlib.import_module(self._module_name)
        return getattr(self._module, name)

if typing.TYPE_CHECKING:

    import cdk8s as _cdk8s_d3d9af27
    import constructs as _constructs_77d1e7e8
else:

    _cdk8s_d3d9af27 = _LazyImport("cdk8s")
    _constructs_77d1e7e8 = _LazyImport("constructs")


class Manifests(metaclass=jsii.JSIIMeta, jsii_type="cdk8s-django-companion.Manifests"):
    '''Manifests the Python library computed, made into ordinary cdk8s objects with one jsii call.

    Every jsii call has a fixed cost of about 0.25 ms; building an object from Python with stock
    cdk8s takes three (the ApiObject, a JsonPatch, its application). Here a batch of objects takes
    one, and a chart's documents come back as one JSON string.
    '''

    @jsii.member(jsii_name="chartJson")
    @builtins.classmethod
    def chart_json(cls, chart: "_cdk8s_d3d9af27.Chart") -> builtins.str:
        '''The chart's documents, ``chart.toJson()`` (a Python override included), as one JSON string.

        :param chart: -
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__59ed188732594217874d4044e357c2b08a913e30e49ce0af9767370b887b32c3)
            check_type(argname="argument chart", value=chart, expected_type=type_hints["chart"])
        return typing.cast(builtins.str, jsii.sinvoke(cls, "chartJson", [chart]))

    @jsii.member(jsii_name="emit")
    @builtins.classmethod
    def emit(
        cls,
        scopes: typing.Sequence["_constructs_77d1e7e8.Construct"],
        ids: typing.Sequence[builtins.str],
        manifests: builtins.str,
    ) -> typing.List["_cdk8s_d3d9af27.ApiObject"]:
        '''Create one ApiObject per manifest, exactly as the Python library did with three calls: apiVersion, kind and metadata in the constructor, every other top-level field with one JSON patch.

        A patch keeps an empty value (``podSelector: {}``) that the constructor's props would drop.

        :param scopes: the scope of each object.
        :param ids: the id of each object within its scope.
        :param manifests: a JSON array of the manifests, one per scope.
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__c23504d67e4965492ed03a3e3313942c6a186e66b6e74b2a01df3206386bbf87)
            check_type(argname="argument scopes", value=scopes, expected_type=type_hints["scopes"])
            check_type(argname="argument ids", value=ids, expected_type=type_hints["ids"])
            check_type(argname="argument manifests", value=manifests, expected_type=type_hints["manifests"])
        return typing.cast(typing.List["_cdk8s_d3d9af27.ApiObject"], jsii.sinvoke(cls, "emit", [scopes, ids, manifests]))


__all__ = [
    "Manifests",
]

publication.publish()

def _typecheckingstub__59ed188732594217874d4044e357c2b08a913e30e49ce0af9767370b887b32c3(
    chart: _cdk8s_d3d9af27.Chart,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__c23504d67e4965492ed03a3e3313942c6a186e66b6e74b2a01df3206386bbf87(
    scopes: typing.Sequence[_constructs_77d1e7e8.Construct],
    ids: typing.Sequence[builtins.str],
    manifests: builtins.str,
) -> None:
    """Type checking stubs"""
    pass

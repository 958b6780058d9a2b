"""Frozen distributions of scipy.stats, unfrozen: `stats.norm(mu, sigma).logpdf(x)` is
`stats.norm.logpdf(x, mu, sigma)`, the call whose rule s2s has (templates/
scipy_stats.py), as SciPy's frozen distribution itself makes it.

In: a parsed function (gast) and its source.  Out: the same function where a method
call on a frozen distribution calls the distribution's method with the method's
arguments, then the frozen ones (`norm.logpdf(x, mu, sigma)`):
- made in the call itself, `norm(0.0, s).cdf(x)`;
- or bound to a name, `dist = norm(mu, sigma)`, and called in a later statement of
  the same block (perhaps nested in it), `dist.logpdf(x)`, where nothing in between
  rebinds a name it was frozen with.  The binding goes where no other use is left.
Other uses of a frozen distribution are left as they are (and refused later, located).
"""

import gast

from ..resolve import meaning
from ..syntax import blocks, clone, located, walk


def is_distribution(obj):
    """Whether `obj` is one of scipy.stats's distributions (`norm`,
    `multivariate_normal`), which calling freezes."""
    kind = type(obj)
    return kind.__module__.startswith("scipy.stats.") and callable(obj) and any(
        hasattr(kind, method) for method in ("logpdf", "logpmf"))


def unfreeze_distributions(fn, source):
    locals_ = {n.id for n in walk(fn) if isinstance(n, gast.Name)
               and isinstance(n.ctx, (gast.Store, gast.Param))}

    def freezing(node):
        """`node` where it freezes a distribution, `norm(mu, sigma)`, else None."""
        if not isinstance(node, gast.Call) or any(
                isinstance(a, gast.Starred) for a in node.args) or any(
                k.arg is None for k in node.keywords):
            return None
        if isinstance(node.func, gast.Name) and node.func.id in locals_:
            return None
        return node if is_distribution(meaning(node.func, source.namespace)) else None

    def unfrozen(call, frozen):
        call.func = located(gast.Attribute(value=clone(frozen.func), attr=call.func.attr,
                                           ctx=gast.Load()), call.func)
        call.args = list(call.args) + [clone(a) for a in frozen.args]
        call.keywords = list(call.keywords) + [clone(k) for k in frozen.keywords]

    for call in walk(fn):  # `norm(mu, sigma).logpdf(x)`
        if isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute):
            frozen = freezing(call.func.value)
            if frozen is not None:
                unfrozen(call, frozen)
    for block in blocks(fn):  # `dist = norm(mu, sigma)`, then `dist.logpdf(x)`
        for i, stmt in enumerate(block):
            frozen = _frozen_binding(stmt, freezing)
            if frozen is None:
                continue
            name, frozen = frozen
            frozen_with = {n.id for n in walk(frozen) if isinstance(n, gast.Name)}
            for later in block[i + 1:]:
                if _binds(later) & (frozen_with | {name}):
                    break  # (its calls may read the names as it leaves them: left alone)
                for call in walk(later):
                    if (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
                            and isinstance(call.func.value, gast.Name)
                            and call.func.value.id == name):
                        unfrozen(call, frozen)
    _drop_unread_bindings(fn, freezing)
    return fn


def _frozen_binding(stmt, freezing):
    """(name, freezing call) for `name = norm(mu, sigma)`, else None."""
    if (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Name) and freezing(stmt.value) is not None):
        return stmt.targets[0].id, stmt.value
    return None


def _binds(stmt):
    """The names `stmt` binds anywhere in it."""
    return {n.id for n in walk(stmt) if isinstance(n, gast.Name)
            and isinstance(n.ctx, (gast.Store, gast.Del))}


def _drop_unread_bindings(fn, freezing):
    """Drop `dist = norm(mu, sigma)` where `dist` is read nowhere any more."""
    read = {n.id for n in walk(fn) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}
    for block in list(blocks(fn)):
        block[:] = [s for s in block if not (
            _frozen_binding(s, freezing) and _frozen_binding(s, freezing)[0] not in read)
        ] or [gast.Pass()]

"""Inline: a call of a function of the user's as the statements of its body.

In: the function, the call's arguments (gast), where its result goes, and the namer of
the function the body goes into.  Out: the body's statements with the parameters
bound to the arguments (a name passed is used as it is where neither side rebinds it;
anything else is assigned to a fresh name first; the items of `*args` likewise, and
`f(*args)` calls with them), every other local name made fresh, and the final
`return value` as `target = value`.  normalize/methods.py inlines methods that change
their object, and functions handed functions, with it.
"""

import gast

from ..callees import is_user_function
from ..parse import parse_function
from ..resolve import function_source
from ..syntax import assign, clone, load, located, store, walk


def inlined(function, args, keywords, target, namer):
    """The statements of `function`'s body called with `args` (for a method, the
    object first) and `keywords`, its result in `target` (None: unused), its local
    names made fresh by `namer`; None where it cannot be inlined: one that returns
    before its end, takes `**kwargs` or keyword-only parameters, or holds a nested
    function or a `try`.  (The caller makes sure that its free names mean there what
    they mean in `function`: a function of the same module.)"""
    if not is_user_function(function):
        return None
    try:
        fn = parse_function(function_source(function))
    except Exception:  # noqa: BLE001 - not inlined: differentiated (or refused) as a call
        return None
    a = fn.args
    if a.kwarg or a.kwonlyargs or a.posonlyargs or any(
            isinstance(arg, gast.Starred) for arg in args):
        return None
    body = fn.body[1:] if (isinstance(fn.body[0], gast.Expr) and isinstance(
        fn.body[0].value, gast.Constant) and isinstance(fn.body[0].value.value, str)) else fn.body
    inside = list(walk(gast.Module(body=body, type_ignores=[])))
    returns = [n for n in inside if isinstance(n, gast.Return)]
    if any(isinstance(n, (gast.FunctionDef, gast.Lambda, gast.Global, gast.Nonlocal,
                          gast.Yield, gast.YieldFrom, gast.Try)) for n in inside) or any(
            r is not body[-1] for r in returns):
        return None
    params = [p.id for p in a.args]
    stored = {n.id for n in walk(fn) if isinstance(n, gast.Name)
              and isinstance(n.ctx, gast.Store)}
    if (len(args) > len(params) and a.vararg is None) or any(
            k.arg not in params for k in keywords):
        return None
    given = dict(zip(params, args)) | {k.arg: k.value for k in keywords}
    defaults = dict(zip(params[len(params) - len(a.defaults):], a.defaults))
    renames, before, body = {}, [], clone(body)
    for p in params:
        value = given.get(p, defaults.get(p))
        if value is None:
            return None
        if isinstance(value, gast.Name) and p not in stored and value.id not in stored:
            renames[p] = value.id
        else:
            renames[p] = namer.fresh(p)
            before.append(assign(renames[p], clone(value), like=fn))
    if a.vararg is not None:  # `*args`: the items passed, by name where splatted
        items = []
        for value in args[len(params):]:
            if isinstance(value, gast.Name) and value.id not in stored:
                items.append(value.id)
            else:
                items.append(namer.fresh(a.vararg.id))
                before.append(assign(items[-1], clone(value), like=fn))
        star = a.vararg.id
        for call in [n for stmt in body for n in walk(stmt) if isinstance(n, gast.Call)]:
            call.args = [item for arg in call.args for item in (
                [located(load(i), arg) for i in items] if isinstance(arg, gast.Starred)
                and isinstance(arg.value, gast.Name) and arg.value.id == star else [arg])]
        if any(isinstance(n, gast.Name) and n.id == star for stmt in body for n in walk(stmt)):
            renames[star] = namer.fresh(star)
            before.append(assign(renames[star], gast.Tuple(
                elts=[load(i) for i in items], ctx=gast.Load()), like=fn))
    for name in sorted(stored - set(renames)):
        renames[name] = namer.fresh(name)
    for stmt in body:
        for n in walk(stmt):
            if isinstance(n, gast.Name) and n.id in renames:
                n.id = renames[n.id]
    if returns:
        value = body.pop().value
        if target is not None:
            body.append(gast.copy_location(gast.Assign(
                targets=[store(target)], value=value, type_comment=None), returns[0]))
        elif not isinstance(value, (gast.Name, gast.Constant, gast.Attribute)):
            body.append(gast.copy_location(gast.Expr(value=value), returns[0]))
    elif target is not None:
        return None  # `v = f(...)` of a function without a result: None
    return before + body

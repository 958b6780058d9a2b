"""Versions: give every reassigned name a fresh version, so straight-line code never
overwrites a value the adjoint sweep still needs and so needs no tape.

In: a function in A-normal form.  Out: the same function where each name is assigned
once along any path: `h = f(h)` becomes `h_1 = f(h)`, later reads say `h_1`.
After an `if`, a name assigned differently in the two branches has one version that
both branches assign (the branch that did not assign it copies the old version).
"""

import gast

from ..syntax import assign, constant, load, names_stored, parameter_names, rename


class Versions:
    def __init__(self, namer):
        self.namer = namer
        self.partial = set()  # versions some paths never assign: bound to None first

    def block(self, stmts, env):
        out = []
        for stmt in stmts:
            out.extend(self.statement(stmt, env))
        return out

    def statement(self, stmt, env):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            stmt.value = rename(stmt.value, env)
            name = stmt.targets[0].id
            version = self.namer.fresh(name) if name in env else name
            env[name] = version
            stmt.targets[0].id = version
            return [stmt]
        if isinstance(stmt, (gast.For, gast.While)):
            return self.loop(stmt, env)
        if isinstance(stmt, gast.If):
            stmt.test = rename(stmt.test, env)
            body_env, else_env = dict(env), dict(env)
            stmt.body = self.block(stmt.body, body_env)
            stmt.orelse = self.block(stmt.orelse, else_env)
            self.merge(stmt, env, body_env, else_env)
            return [stmt]
        return [rename(stmt, env)]

    def loop(self, stmt, env):
        """A loop assigns its names once per iteration, each with its own version.
        A name carried from one iteration to the next (defined before the loop and
        assigned in it) gets a name of its own: copied in before the loop, copied back
        at the end of the body, and read after the loop.  So values the loop replaces
        are never ones that code before the loop computed."""
        assigned = names_stored(stmt.body) if isinstance(stmt, gast.For) else names_stored(stmt)
        carried = sorted(name for name in assigned if name in env)
        before = []
        for name in carried:
            version = self.namer.fresh(name)
            before.append(_version_copy(assign(version, load(env[name]), like=stmt)))
            env[name] = version
        if isinstance(stmt, gast.For):
            stmt.iter = rename(stmt.iter, env)
            target = stmt.target.id
            version = self.namer.fresh(target) if target in env else target
            env[target] = version
            stmt.target.id = version
        else:
            stmt.test = rename(stmt.test, env)
        stmt.carried = tuple(env[name] for name in carried)  # read by the reverse pass
        body_env = dict(env)
        stmt.body = self.block(stmt.body, body_env)
        copies = [
            _version_copy(assign(env[name], load(body_env[name]), like=stmt))
            for name in carried
            if body_env[name] != env[name]
        ]
        body = stmt.body
        if body and _is_exit(body[-1]):
            # `if broke: break` ends the body: carry the values over before leaving
            stmt.body = body[:-1] + copies + body[-1:]
        else:
            stmt.body = body + copies
        for name, version in body_env.items():
            if name not in carried:
                env[name] = version  # defined in the loop, read after it: the last value
        return before + [stmt]

    def copy(self, block, target, source, like):
        """`target = source` at the end of a branch."""
        block.append(_version_copy(assign(target, load(source), like=like)))

    def merge(self, stmt, env, body_env, else_env):
        """After `if`, one version per name, assigned on both paths."""
        for name in sorted(set(body_env) | set(else_env)):
            in_body, in_else = body_env.get(name), else_env.get(name)
            if in_body == in_else:
                env[name] = in_body
            elif in_body is None or in_else is None:
                env[name] = in_body or in_else  # defined on one path only, as in Python
                self.partial.add(env[name])
            elif in_else == env.get(name):  # only the body assigned it
                env[name] = in_body
                self.copy(stmt.orelse, in_body, in_else, stmt)
            elif in_body == env.get(name):  # only the else branch assigned it
                env[name] = in_else
                self.copy(stmt.body, in_else, in_body, stmt)
            elif in_body not in names_stored(stmt.orelse):
                # both assigned it: the else branch uses the body's version
                stmt.orelse = [rename(s, {in_else: in_body}) for s in stmt.orelse]
                env[name] = in_body
            else:  # ... unless the else branch has that name for a version of its own
                merged = self.namer.fresh(name)
                self.copy(stmt.body, merged, in_body, stmt)
                self.copy(stmt.orelse, merged, in_else, stmt)
                env[name] = merged


def _version_copy(stmt):
    """Mark `new = old` between two versions of one variable: `old` is not read after
    it, so the two sharing memory is as if the variable had kept its name."""
    stmt.s2s_version_copy = True
    return stmt


def assign_versions(fn, namer):
    env = {name: name for name in parameter_names(fn)}
    versions = Versions(namer)
    fn.body = versions.block(fn.body, env)
    # A name assigned on some paths only (`result` of an early return) is copied where
    # branches merge, also on paths that never read it: bind it to None first.
    first = fn.body[0]
    unbound = [assign(name, constant(None), like=first) for name in sorted(versions.partial)]
    for stmt in unbound:
        stmt.s2s_placeholder = True  # later passes may drop it where nothing reads the name
    fn.body = unbound + fn.body
    return fn


def _is_exit(stmt):
    """`if flag: break`, the last statement of a loop that normalize/control.py wrote."""
    return (
        isinstance(stmt, gast.If)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], gast.Break)
        and not stmt.orelse
    )

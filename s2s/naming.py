"""Fresh names for temporaries, versions and adjoints that never collide."""

import re


class Namer:
    """Hands out names unused in the function being generated.

    `taken` holds every name the user's function and its namespace use; each name
    handed out is added to it.
    """

    def __init__(self, taken=()):
        self.taken = set(taken)
        self.derivatives = {}  # primal name -> its adjoint's or tangent's name
        self.temporaries = set()
        # where to look for the next free number of each stem: `taken` only grows, so
        # the numbers below it are taken (a search from 1 made long functions quadratic)
        self._next = {}

    def reserve(self, name):
        self.taken.add(name)
        return name

    def fresh(self, base):
        """`base` itself if free, else `base_1`, `base_2`, ..."""
        base = base or "t"
        if base not in self.taken:
            return self.reserve(base)
        stem = re.sub(r"_\d+$", "", base)
        return self.reserve(self._numbered(f"{stem}_"))

    def temporary(self):
        """`t1`, `t2`, ...: names for the operands that A-normal form introduces."""
        name = self._numbered("t")
        self.temporaries.add(name)
        return self.reserve(name)

    def _numbered(self, stem):
        """`stem` and the smallest number that makes a free name."""
        i = self._next.get(stem, 1)
        while f"{stem}{i}" in self.taken:
            i += 1
        self._next[stem] = i + 1
        return f"{stem}{i}"

    def adjoint(self, name):
        """The adjoint of `name`: `dname` where free, the same for every call."""
        if name not in self.derivatives:
            preferred = "d" + name
            if preferred in self.taken:
                # `dx` is a user's name already: `d_x` says adjoint more clearly than `dx_1`
                preferred = "d_" + name
            self.derivatives[name] = self.fresh(preferred)
        return self.derivatives[name]

    def tangent(self, name):
        """The tangent of `name` (forward mode): `name_dot`, before a version's number
        (`theta_dot_2` for `theta_2`), so that a direction never reads as a gradient
        (`dtheta`) nor as a user's name (a step `dt`).  The same for every call."""
        if name not in self.derivatives:
            stem, version = re.fullmatch(r"(.*?)(_\d+)?", name).groups()
            self.derivatives[name] = self.fresh(f"{stem}_dot{version or ''}")
        return self.derivatives[name]

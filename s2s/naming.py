"""Fresh names for temporaries, versions and adjoints that never collide."""

import re


class Namer:
    """Hands out names unused in the function being generated.

    `taken` holds every name the user's function and its namespace use; each name
    handed out is added to it.
    """

    def __init__(self, taken=()):
        self.taken = set(taken)
        self.adjoints = {}
        self.temporaries = set()

    def reserve(self, name):
        self.taken.add(name)
        return name

    def fresh(self, base):
        """`base` itself if free, else `base_1`, `base_2`, ..."""
        base = base or "t"
        if base not in self.taken:
            return self.reserve(base)
        stem = re.sub(r"_\d+$", "", base)
        i = 1
        while f"{stem}_{i}" in self.taken:
            i += 1
        return self.reserve(f"{stem}_{i}")

    def temporary(self):
        """`t1`, `t2`, ...: names for the operands that A-normal form introduces."""
        i = 1
        while f"t{i}" in self.taken:
            i += 1
        self.temporaries.add(f"t{i}")
        return self.reserve(f"t{i}")

    def adjoint(self, name):
        """The adjoint of `name`: `dname` where free, the same for every call."""
        if name not in self.adjoints:
            preferred = "d" + name
            if preferred in self.taken:
                # `dx` is a user's name already: `d_x` says adjoint more clearly than `dx_1`
                preferred = "d_" + name
            self.adjoints[name] = self.fresh(preferred)
        return self.adjoints[name]

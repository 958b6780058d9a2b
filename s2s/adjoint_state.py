"""What the adjoint sweep knows of the adjoints at one point of the generated code.

`initialised`: the adjoints that hold a value there (the others are zero, and are
not yet bound).  `owned`: those known to share memory with nothing else, which may
be updated in place.  Each branch of an `if` starts from the state before it; after
it, the two states are joined once each branch has zeroed the adjoints only the
other one initialised.
"""

from dataclasses import dataclass, field


@dataclass
class AdjointState:
    initialised: set = field(default_factory=set)
    owned: set = field(default_factory=set)

    def copy(self):
        return AdjointState(set(self.initialised), set(self.owned))

    def joined(self, other):
        """The state after an `if` whose branches end in `self` and `other`: an
        adjoint holds a value after it if it does after either branch, and is owned
        only if it is after both."""
        return AdjointState(self.initialised | other.initialised, self.owned & other.owned)

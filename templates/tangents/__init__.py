"""s2s's built-in forward-mode rules (tangents), one module per family of operations,
as templates/ holds the reverse-mode ones.

Each rule reads `d[z] = <the tangent of the result>`, linear in the arguments'
tangents `d[x]`; a tangent that is zero at a call site is dropped with the terms it
makes zero (s2s/tangents.py), so a rule is written once for every argument.
"""

"""Programs written the way newcomers write them (see tests/test_newcomer.py).

Each module defines its functions and a CASES list of dicts: `f` (the function),
`args` (its arguments) and `wrt` (the parameter names to differentiate).
"""

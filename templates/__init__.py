"""s2s's built-in derivative rules, one module per family of operations.

Each module reads as a table: one function per rule, `d[x]` for adjoints.  s2s
imports every module here so their decorators register the rules; the bodies are
read as source, never run.
"""

"""
Hardening and configuration: the Content Security Policy, production's cookies
and headers, login throttling, escaping of stored text, error pages that hide
internals, and settings read from the environment.
"""

"""
Caching of public pages: HTTP caching (no cookies, Cache-Control, ETags and
304s), the page cache and its retirement on every change, and the Redis backend.
"""

"""
The benchmark's own app: `bench_fill` (synthetic claims in bulk) and
`soak_writer` (workflow steps under load), and the soak's count of page
cache hits (page_cache_counts). Installed only when
FACTCHECK_BENCHMARK is on, as scripts/bench.py and scripts/soak.py set it, so
production's `manage.py` offers neither command.
"""

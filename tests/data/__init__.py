"""
The data and its guards: the seed fixture, malformed fixtures refused whole
(bad_fixtures/), database constraints, check_invariants, backup and restore.
"""

"""
The review workflow: who may take which step from which state, the evidence
rules behind each verdict, the independence of origins, the roles, races
between reviewers, the workflow in the admin, and property tests that random
newsroom days keep every invariant.
"""

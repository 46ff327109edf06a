"""
The independence rule: evidence counts once per independent origin.

An item's origin is whom it relies on, or its own source when it is
first-hand; origins sharing an affiliation are one origin (Source.independence_key).
Evidence tracing back to the claimant's own side is listed but never counts
as support: the claimant repeating its claim is the claim, not evidence for it.
"""

from dataclasses import dataclass, field

from claims.choices import Stance


@dataclass
class OriginGroup:
    """One independent origin: an affiliation (or a lone source) and the
    evidence that traces back to it."""

    label: str
    key: tuple = ()
    # The claimant's own affiliation: shown, but never counted as support.
    is_claimant: bool = False
    origins: list = field(default_factory=list)
    evidence: list = field(default_factory=list)

    @property
    def best_credibility(self):
        return min(item.credibility for item in self.evidence)

    @property
    def chains(self):
        return [item.chain for item in self.evidence]


def independent_origins(claimant, evidence, stance=Stance.SUPPORTS):
    """
    The items of `evidence` of one stance, grouped by independent origin: a
    list of OriginGroup, largest first. The group sharing `claimant`'s
    affiliation is marked `is_claimant`. Reads each item's source and origin
    and their affiliations, so fetch them with the evidence.
    """
    claimant_key = claimant.independence_key
    groups = {}
    for item in evidence:
        if item.stance != stance:
            continue
        root = item.root_source
        key = root.independence_key
        group = groups.setdefault(
            key,
            OriginGroup(label=root.independence_label, key=key, is_claimant=key == claimant_key),
        )
        if root not in group.origins:
            group.origins.append(root)
        group.evidence.append(item)
    return sorted(groups.values(), key=lambda group: (-len(group.evidence), group.label))

"""
The independence rule: evidence, and estimates of a figure, count once per
independent origin.

An item's origin is whom it relies on, or its own source when it is
first-hand; origins sharing an affiliation are one origin (Source.independence_key).
Evidence tracing back to the claimant's own side is listed but never counts
as support: the claimant repeating its claim is the claim, not evidence for it.
"""

from dataclasses import dataclass, field

from claims.choices import Stance


@dataclass
class IndependentOrigin:
    """One independent origin: an affiliation (or a lone source), the sources
    under it that items trace back to, and those items."""

    label: str
    key: tuple = ()
    origins: list = field(default_factory=list)
    items: list = field(default_factory=list)


@dataclass
class OriginGroup(IndependentOrigin):
    """One independent origin of a claim's evidence."""

    # The claimant's own affiliation: shown, but never counted as support.
    is_claimant: bool = False

    @property
    def evidence(self):
        return self.items

    @property
    def best_credibility(self):
        return min(item.credibility for item in self.evidence)

    @property
    def chains(self):
        return [item.chain for item in self.evidence]


def group_by_origin(items, origin_of, group=IndependentOrigin):
    """
    `items` grouped by independent origin, `origin_of(item)` being the Source
    an item traces back to: a list of `group` (IndependentOrigin or a
    subclass), one per origin, in the order each origin first appears in
    `items`, each holding its items in their order. Reads each origin's
    affiliation, so fetch it with the items.
    """
    groups = {}
    for item in items:
        root = origin_of(item)
        key = root.independence_key
        if key not in groups:
            groups[key] = group(label=root.independence_label, key=key)
        if root not in groups[key].origins:
            groups[key].origins.append(root)
        groups[key].items.append(item)
    return list(groups.values())


def independent_origins(claimant, evidence, stance=Stance.SUPPORTS):
    """
    The items of `evidence` of one stance, grouped by independent origin: a
    list of OriginGroup, largest first. The group sharing `claimant`'s
    affiliation is marked `is_claimant`. Reads each item's source and origin
    and their affiliations, so fetch them with the evidence.
    """
    of_stance = [item for item in evidence if item.stance == stance]
    groups = group_by_origin(of_stance, lambda item: item.root_source, OriginGroup)
    for group in groups:
        group.is_claimant = group.key == claimant.independence_key
    return sorted(groups, key=lambda group: (-len(group.evidence), group.label))

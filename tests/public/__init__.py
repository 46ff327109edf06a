"""
What readers and machines see: the verdict list and its filters and search,
verdict and source pages, methodology, ClaimReview and /claims.json, the feed
and the sitemap, and that nothing unpublished shows anywhere.
"""

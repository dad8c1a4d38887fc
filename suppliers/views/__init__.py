"""Supplier pages, one module per topic: the directory and supplier page, segments, merges,
relationship plans, scorecards, contracts, and the engagement log, ideas and risks."""

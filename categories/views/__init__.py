"""Views by topic: taxonomy (the category tree), and the topics later issues add."""

"""The trace-back (倒查问责): missed and late reports, each with who answered for it on that day."""

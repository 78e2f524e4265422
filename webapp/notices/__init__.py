"""Notices (宣传): letters to parents, prevention guides and policies sent down the hierarchy, and their confirmations."""

"""Numerical cores that model front ends stand on (``mixed``: glmer/lmer)."""

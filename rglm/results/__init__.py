"""Fitted-model objects and R's generics on them (summary, vcov, residuals, ...)."""

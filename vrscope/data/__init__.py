"""Data files shipped with vrscope (applicant aliases …)."""

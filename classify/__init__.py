"""The plan's 3+4 taxonomy, code maps and the scikit-learn classifier."""

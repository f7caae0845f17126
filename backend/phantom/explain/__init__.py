"""Explanations (docs/governance.md, "Explanations"): SHAP values per prediction and per
model, and the warnings a scored row carries when it is unlike the training data."""

"""Signed model documentation: the editable fields of a version, and the HTML and PDF
report generated from everything the platform knows about it, stored with its SHA-256s
recorded in the audit chain (docs/governance.md "Model documentation")."""

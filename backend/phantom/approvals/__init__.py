"""Four-eyes promotion: a tenant's promotion policy, and promotion requests that someone
other than the requester approves (docs/governance.md#four-eyes-promotion)."""

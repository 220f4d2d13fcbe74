"""A small audit trail of staff actions on certificates (revoke, reissue, reinstate)."""

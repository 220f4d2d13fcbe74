"""The summative final assessment: draws from the staff-held bank, attempts, grants."""

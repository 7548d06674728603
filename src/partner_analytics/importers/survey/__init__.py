"""Survey exports in, survey forms out (placeholder: filled in below)."""

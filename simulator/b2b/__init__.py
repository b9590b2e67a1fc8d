"""The business (B2B v3) fleet API behind its own mTLS listener."""

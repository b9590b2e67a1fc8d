"""The brands' identity provider: OAuth2 authorization code flow with PKCE."""

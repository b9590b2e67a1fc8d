"""Login and tokens at run time: the OAuth2 implementation and the token manager."""

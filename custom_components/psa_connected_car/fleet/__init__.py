"""Fleet entries: the business partner's v3 API, its certificate and its batch reads."""

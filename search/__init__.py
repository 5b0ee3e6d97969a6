"""Search: one index schema, the SearchBackend protocol, and the engines behind it."""

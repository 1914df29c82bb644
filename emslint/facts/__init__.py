"""Build the facts document (docs/architecture.md) that the declarative rules are evaluated over."""

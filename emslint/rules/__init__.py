"""Rules are data (top-level ``rules/*.toml``); this package loads, compiles and evaluates them."""

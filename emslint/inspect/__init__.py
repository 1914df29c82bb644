"""Inspectors: referenced paths, certificates, keys, cipher strings and file modes -> plain facts."""

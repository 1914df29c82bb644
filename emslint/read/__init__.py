"""Readers: bytes on disk -> plain values with a position for every key and value. Nothing is executed."""

"""Output formats: text (rich), json, jsonl, sarif, github."""

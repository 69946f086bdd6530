"""The courier clients' contract: see contract.py."""

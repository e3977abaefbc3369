"""Persisted jobs (DESIGN D10): long work as rows, run by a worker, resumable after a restart."""

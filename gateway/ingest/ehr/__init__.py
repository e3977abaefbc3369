"""EHR feeds: NDJSON and Bundle import, member matching, de-duplication and Provenance."""

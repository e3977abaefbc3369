"""SMART on FHIR authorization: tokens to AccessContext, the authorization server, pages.

Never imports ``gateway`` (DESIGN section 3).
"""

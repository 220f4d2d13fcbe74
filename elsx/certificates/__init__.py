"""Certificates: numbers, issuance, PDF rendering, Open Badges records and public verification.

Plain-Python modules; the certificate block and the verification views stay thin.
"""

"""Verifiable credentials: issuer keys, Data Integrity proofs (eddsa-rdfc-2022) and Bitstring status lists."""

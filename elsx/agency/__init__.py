"""Agency readiness for NCMEC's Missing Kids Readiness Program (MKRP), agency by agency."""

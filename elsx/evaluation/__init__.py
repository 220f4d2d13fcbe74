"""The course evaluation: who completed it, apart from what was answered."""

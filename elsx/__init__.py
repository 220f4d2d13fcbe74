"""elsx: the Executive Leadership Series on Missing & Exploited Children, as Open edX XBlocks."""

__version__ = "0.1.0"

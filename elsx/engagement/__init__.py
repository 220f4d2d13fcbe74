"""Engaged time ("seat time"), measured by the server from heartbeats. See docs/engagement.md."""

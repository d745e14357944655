"""Watching akhbar at work: what Redis says about sites, crawls and queues."""

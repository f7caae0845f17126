"""Data subject requests (GDPR access and erasure) and the hooks other domains register
to report and erase what they hold about a person."""

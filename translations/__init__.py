"""Gettext catalogs (messages and questionnaires domains) and the list of enabled languages; data only."""

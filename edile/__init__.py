"""Édile: the platform of an international association of local governments."""

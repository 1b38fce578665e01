"""Backends: each turns the one checked rule tree into scores, side by side."""

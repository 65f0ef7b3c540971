"""Tests for the Cadence integration."""

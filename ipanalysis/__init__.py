"""Tianjin IP indicators against plan targets: data, forecasts and on-track verdicts."""

__version__ = "0.1.0"

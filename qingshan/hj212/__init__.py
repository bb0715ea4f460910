"""HJ 212-2017 data intake: codec, journal, TCP listener, device registry, logger simulator."""

"""The offline replica of aawsat.com: content files, page rendering, routing and a server.

See `docs/replica.md` for the contract between this package and the aawsat site rules.
"""

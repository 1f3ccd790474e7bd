"""Cross-region exchange between onething nodes (跨省通办): partners, signed and encrypted
envelopes, an outbox and inbox that lose nothing.
"""

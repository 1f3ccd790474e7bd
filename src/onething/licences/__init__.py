"""电子证照: electronic certificates — identifiers, canonical form, signatures, status.

The modules here are the pure core (no Django): storage, issuance and the web pages
build on them.
"""

"""Editing the catalogue in the browser (事项编制): drafts, checks at each field, preview, review
and publish.
"""

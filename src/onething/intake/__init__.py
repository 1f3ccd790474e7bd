"""The one form (一表申报): validating what applicants type, field by field."""

"""Personal data protection: masking on screens and in logs, encryption at rest, and an
audit record of every time someone sees a full ID or phone number."""

"""Publishing the one-thing guide: text, JSON, a web page, a printable PDF with a QR code."""

"""7×24 自助终端: kiosks registered to a hall, sign-in by ID card or by a phone's QR code."""

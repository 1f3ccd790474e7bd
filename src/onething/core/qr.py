"""QR codes as SVG: for hall signage (the guide), notices (the progress page), windows
(rating) and certificates (verification)."""

from __future__ import annotations

import base64


def qr_svg(text: str) -> str:
    """A QR code (error correction M) as an SVG document."""
    import qrcode
    import qrcode.image.svg

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def qr_data_uri(text: str) -> str:
    svg = qr_svg(text).encode("utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")

"""The demo's zone: 郊区荫营农贸市场 at 阳泉市郊区 (140311), served by clerk_jiaoqu, with
its 场地证明 (the market's premises proof) uploaded once for every stall."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model

from onething.catalog.services import current_catalog
from onething.zones.models import Zone

DEMO_ZONE = "jiaoqu-yinying-market"
DEMO_CLERK = "clerk_jiaoqu"
PREMISES = "premises_proof"


def premises_image() -> bytes:
    """A stand-in scan of the market's 场地证明 (a JPEG with a few lines on it)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 560, 760), outline="black", width=4)
    for top in range(120, 700, 40):
        draw.line((80, top, 520, top), fill="black", width=3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def ensure_demo_zone() -> Zone:
    zone, _created = Zone.objects.get_or_create(
        code=DEMO_ZONE,
        defaults={
            "name": "郊区荫营农贸市场",
            "kind": Zone.MARKET,
            "address": "山西省阳泉市郊区荫营镇荫营农贸市场",
            "jurisdiction": "140311",
        },
    )
    clerk = get_user_model().objects.filter(username=DEMO_CLERK).first()
    if clerk is not None:
        zone.clerks.add(clerk)
        current = current_catalog()  # the 场地证明 once the demo catalogue is in
        known = current is not None and PREMISES in current.catalog.materials
        if known and not zone.materials.filter(material_id=PREMISES).exists():
            from onething.zones.services import upload_material

            name = "荫营农贸市场场地证明.jpg"
            upload_material(clerk, zone.public_id, PREMISES, name, premises_image())
    return zone

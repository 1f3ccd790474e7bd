from ninja import Router

router = Router(tags=["延伸办（大厅、预约）"])

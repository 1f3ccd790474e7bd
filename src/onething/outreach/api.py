from ninja import Router

router = Router(tags=["上门办与帮办代办"])

from ninja import Router

router = Router(tags=["取号叫号"])

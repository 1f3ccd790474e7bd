"""The REST API: one NinjaAPI, a router per capability, OpenAPI at /openapi.json."""

from ninja import NinjaAPI

from onething.accounts.auth import API_AUTH
from onething.cases.api import router as cases_router
from onething.cases.services import CaseError
from onething.guides.api import router as guides_router
from onething.licences.api import public_router as verify_router
from onething.licences.api import router as licences_router
from onething.licences.services import LicenceError

api = NinjaAPI(
    title="onething — 一件事一次办 API",
    version="1",
    urls_namespace="api",
    docs_url=None,  # the interactive docs load scripts from a CDN; the schema is enough
)
api.add_router("/", guides_router)
api.add_router("/", cases_router, auth=API_AUTH)
api.add_router("/", licences_router, auth=API_AUTH)
api.add_router("/", verify_router)


@api.exception_handler(CaseError)
def case_error(request, exc: CaseError):
    return api.create_response(request, {"detail": exc.message, **exc.details}, status=exc.status)


@api.exception_handler(LicenceError)
def licence_error(request, exc: LicenceError):
    return api.create_response(request, {"detail": exc.message}, status=exc.status)

"""Contracts: an inspector uploads a PDF; the ingest pipeline checks it and raises flags.

The pipeline reads the PDF in an isolated process from a worker thread, so one slow document
never stalls other requests.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import anyio
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body, FromPath, QueryParameter

from api import contract_files
from api.auth import allow
from importers.pdf.limits import ReadLimits
from registry import directory, flags
from registry.errors import NotFoundError, ValidationError

INSPECTORS = allow("inspector")
UPLOAD_LIMIT = ReadLimits.from_env().max_bytes + 64 * 1024
"""The PDF size limit plus room for the multipart envelope."""


@dataclass
class ContractUpload:
    """The multipart form: field `data` holds the PDF.

    A form, not a bare `UploadFile` body: with a bare one, Litestar 2.x fails with a 500 when
    the request carries no file part (regression: test_upload_without_a_file_part_is_a_400)."""

    data: UploadFile


async def ingest_upload(data: bytes, file_name: str, actor: str) -> dict[str, Any]:
    """Check one uploaded PDF; keep its bytes for the page view once it is stored.
    Unreadable documents are refused (422) and nothing is kept."""
    from importers.ingest import ingest_document

    if not data:
        raise ValidationError("the uploaded file is empty")
    name = (file_name or "upload.pdf").replace("\\", "/").rsplit("/", 1)[-1][:300]
    result = await ingest_document(data, name, actor=actor)
    if result["status"] == "error":
        raise ValidationError(f"{name}: {result.get('error', 'the document could not be read')}")
    stored = await directory.find_contract_id(result["sha256"])
    if stored is not None:
        contract_files.save(result["sha256"], data)
    return {**result, "contract_id": stored}


class ContractController(Controller):
    path = "/api/v1/contracts"
    tags = ["contracts"]

    @post("/", request_max_body_size=UPLOAD_LIMIT, **INSPECTORS, responses={
        200: ResponseSpec(data_container=dict[str, Any],
                          description="Read but not checked: `status` is `needs_ocr`; nothing was stored.")})
    async def upload(
        self, request: Request,
        data: Annotated[ContractUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Response[dict[str, Any]]:
        """Multipart field `data`: one PDF. 201 with the findings when checked; 200 with
        `status: needs_ocr` when it could not be checked; 422 when it is unreadable."""
        result = await ingest_upload(await data.data.read(), data.data.filename, request.state.user.name)
        return Response(result, status_code=201 if result["status"] == "checked" else 200)

    @get("/", **INSPECTORS)
    async def list_contracts(self, limit: Annotated[int, QueryParameter(ge=1, le=directory.MAX_PAGE)] = 100,
                             offset: Annotated[int, QueryParameter(ge=0)] = 0) -> list[dict[str, Any]]:
        return await directory.list_contracts(limit=limit, offset=offset)

    @get("/{contract_id:int}", **INSPECTORS)
    async def get_contract(self, contract_id: FromPath[int]) -> dict[str, Any]:
        contract = await directory.get_contract(contract_id)
        return {**contract, "flags": await flags.list_flags(contract_id=contract_id, limit=1000)}

    @get("/{contract_id:int}/pages/{page:int}/image", media_type="image/png", **INSPECTORS)
    async def page_image(self, contract_id: FromPath[int], page: FromPath[int],
                         flag: Annotated[int | None, QueryParameter(ge=1)] = None) -> Response[bytes]:
        """The page as PNG with the evidence boxes of the contract's flags (or of one `flag`) drawn."""
        contract = await directory.get_contract(contract_id)
        raised = await flags.list_flags(contract_id=contract_id, limit=1000)
        if flag is not None:
            raised = [f for f in raised if f["id"] == flag]
            if not raised:
                raise NotFoundError(f"contract {contract_id} has no flag {flag}")
        boxes = [ev["bbox"] for f in raised for ev in f["evidence"]
                 if ev.get("page") == page and isinstance(ev.get("bbox"), (list, tuple)) and len(ev["bbox"]) == 4]
        png = await anyio.to_thread.run_sync(contract_files.render_page, contract["sha256"], page, boxes)
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, no-store"})

"""The workbook import (upload → dry run → confirm as a background job → cancel) and the jobs' progress."""

from datetime import datetime

from django.conf import settings
from django.http import HttpResponse
from ninja import Field, File, Path, Router, Schema, Status, UploadedFile

from sitecensus.core.errors import InvalidInput
from sitecensus.jobs.services import enqueue, get_job
from sitecensus.registry import imports

from . import services
from .common import COMMON, MAX_ID, WRITE, _no_store, links, token_auth
from .idempotency import idempotent

router = Router(auth=token_auth)

# The import's own limit of files per upload (and never more than Django takes in one request).
MAX_UPLOADS = min(imports.LIMITS["files"], settings.DATA_UPLOAD_MAX_NUMBER_FILES or imports.LIMITS["files"])


class ImportOut(Schema):
    id: int
    state: str
    summary: dict
    created_at: datetime
    committed_at: datetime | None


class ConfirmIn(Schema):
    valid_only: bool = Field(False, description="只导入无误的网站")


class JobOut(Schema):
    id: int
    kind: str
    label: str
    status: str
    done: int
    total: int
    message: str
    result: dict
    error: str


@router.post("/imports", response={201: ImportOut, **WRITE}, tags=["导入"],
             summary="上传填报模板（一个或多个 .xlsx 或 ZIP）并预检：返回每个文件的汇总，不保存任何网站",
             operation_id="create_import",
             openapi_extra=links(GetImport=("get_import", {"import_id": "$response.body#/id"})))
def import_create(request, files: list[UploadedFile] = File(..., min_length=1, max_length=MAX_UPLOADS,
                                                           description=f"填报模板文件（1–{MAX_UPLOADS} 个）")):
    services.require(request.auth, "registry", "write")
    if not files or len(files) > MAX_UPLOADS:
        raise InvalidInput(f"请上传 1–{MAX_UPLOADS} 个文件（可打包为 ZIP）", field="files")
    batch = imports.dry_run(actor=request.auth, uploads=[(f.name, f) for f in files], request=request)
    return Status(201, batch)


@router.get("/imports/{import_id}", response={200: ImportOut, **COMMON}, tags=["导入"],
            summary="一次导入的预检汇总与状态", operation_id="get_import")
def import_get(request, response: HttpResponse, import_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "registry")
    _no_store(response)
    return imports.get_batch(request.auth, import_id)


@router.post("/imports/{import_id}/confirm", response={202: JobOut, **WRITE}, tags=["导入"],
             summary="确认导入：作为后台任务执行，返回任务（用 /api/jobs/{id} 查看进度）", operation_id="confirm_import")
@idempotent
def import_confirm(request, payload: ConfirmIn, import_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "registry", "write")
    batch = imports.get_batch(request.auth, import_id)
    imports.check_committable(batch, valid_only=payload.valid_only)
    job = enqueue("import_commit", actor=request.auth, label=f"确认导入（批次 {batch.pk}）",
                  params={"batch_id": batch.pk, "valid_only": payload.valid_only},
                  total=(batch.summary.get("totals") or {}).get("sites", 0))
    return Status(202, JobOut.from_orm(job).model_dump(mode="json"))


@router.post("/imports/{import_id}/cancel", response={200: ImportOut, **WRITE}, tags=["导入"],
             summary="取消预检过的导入（不保存任何数据）", operation_id="cancel_import")
@idempotent
def import_cancel(request, import_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "registry", "write")
    batch = imports.get_batch(request.auth, import_id)
    imports.cancel(actor=request.auth, batch=batch, request=request)
    return Status(200, ImportOut.from_orm(imports.get_batch(request.auth, import_id)).model_dump(mode="json"))


@router.get("/jobs/{job_id}", response={200: JobOut, **COMMON}, tags=["导入"],
            summary="后台任务的进度与结果（仅本账号发起的任务）", operation_id="get_job")
def job_get(request, response: HttpResponse, job_id: int = Path(..., ge=1, le=MAX_ID)):
    _no_store(response)
    return get_job(request.auth, job_id)

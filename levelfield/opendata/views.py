"""Public open data pages: the bulk downloads and the publication policy."""

import orjson
from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import downloads as bulk
from .package import EXTENSIONS


@require_safe
def downloads(request):
    return render(
        request,
        "opendata/downloads.html",
        {
            "catalogue": bulk.catalogue(),
            "manifest": bulk.MANIFEST,
            "publisher": settings.LEVELFIELD_PUBLISHER,
            "license": settings.LEVELFIELD_OCDS_LICENSE,
            "policy": settings.LEVELFIELD_OCDS_PUBLICATION_POLICY,
            "ocid_prefix": settings.LEVELFIELD_OCID_PREFIX,
            "extensions": [repo.rsplit("/", 1)[-1] for repo, _ in EXTENSIONS],
        },
    )


@require_safe
def download(request, name: str):
    """A bulk download, from the downloads storage: sent through this server, or (object storage
    with LEVELFIELD_DOWNLOADS_PRESIGNED_SECONDS) a redirect to a short-lived signed link to the
    stored file, so a large download does not hold a server process. The manifest is made from
    the database."""
    response: HttpResponse | FileResponse | HttpResponseRedirect
    if name == bulk.MANIFEST:
        manifest = bulk.read_manifest()
        if manifest is None:
            raise Http404("No downloads yet")
        response = HttpResponse(orjson.dumps(manifest), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        found = bulk.find(name)
        if found is None:
            raise Http404("No such download")
        seconds = settings.LEVELFIELD_DOWNLOADS_PRESIGNED_SECONDS
        if seconds:
            response = HttpResponseRedirect(bulk.signed_url(found, seconds))
        else:
            response = FileResponse(
                bulk.storage().open(found.stored, "rb"),
                as_attachment=True,
                filename=name,
                content_type=bulk.content_type(found),
            )
            response["Content-Length"] = str(found.size)
            response["ETag"] = f'"{found.sha256}"'
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def policy(request):
    return render(
        request,
        "opendata/policy.html",
        {
            "publisher": settings.LEVELFIELD_PUBLISHER,
            "license": settings.LEVELFIELD_OCDS_LICENSE,
            "ocid_prefix": settings.LEVELFIELD_OCID_PREFIX,
        },
    )

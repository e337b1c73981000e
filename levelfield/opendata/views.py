"""Public open data pages: the bulk downloads and the publication policy."""

from django.conf import settings
from django.http import FileResponse, Http404
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
    found = bulk.file_for(name)
    if found is None:
        raise Http404("No such download")
    path, content_type = found
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
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

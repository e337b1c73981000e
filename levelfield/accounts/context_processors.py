def organisation(request):
    return {
        "current_membership": getattr(request, "membership", None),
        "current_organisation": getattr(request, "organisation", None),
    }

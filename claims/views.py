from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from claims.models import Claim, Source


def claim_list(request):
    return HttpResponse("Factcheck")


def claim_detail(request, slug):
    claim = get_object_or_404(Claim.objects.published(), slug=slug)
    return HttpResponse(claim.headline)


def source_detail(request, slug):
    source = get_object_or_404(Source, slug=slug)
    return HttpResponse(source.name)

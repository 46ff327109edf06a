from django.conf import settings


def newsroom(request):
    return {"NEWSROOM_NAME": settings.NEWSROOM_NAME, "SITE_URL": settings.SITE_URL}

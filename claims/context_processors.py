from django.conf import settings


def newsroom(request):
    return {
        "NEWSROOM_NAME": settings.NEWSROOM_NAME,
        "NEWSROOM_URL": settings.NEWSROOM_URL,
        "SITE_URL": settings.SITE_URL,
    }

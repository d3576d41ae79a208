from django.shortcuts import render


def csrf_failure(request, reason=""):
    """The CSRF failure page in the portal's language and layout, not Django's English one."""
    return render(request, "403_csrf.html", status=403)

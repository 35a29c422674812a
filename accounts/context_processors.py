from accounts.access import access_for


def current_role(request):
    """Who is signed in, for which municipality, in which role — for the header.

    A view that works within one municipality sets `request.municipality`;
    elsewhere the header lists the user's memberships.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = access_for(user)
    municipality = getattr(request, "municipality", None)
    memberships = access.roles_in(municipality) if municipality else access.memberships
    return {"header_municipality": municipality, "header_memberships": memberships}

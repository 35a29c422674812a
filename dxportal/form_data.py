def posted_or_none(request):
    """The submitted data on POST — even when empty, so that a form reports its
    required fields — and None on GET, so that the form starts unbound."""
    return request.POST if request.method == "POST" else None

"""The Content-Security-Policy of every response, always with its nonce.

Django's middleware makes the nonce lazily and leaves it out of the header
when nothing on the page asked for it. That gives fragments, downloads and
error pages a different script-src from the pages around them, and it makes
a script tag depend on evaluation order: a tag written with `if nonce:` (the
test LazyNonce offers libraries) before anything else read the nonce goes out
without the attribute, while the header, built after the whole page, names
the nonce and blocks that script. Making the nonce up front gives every
response the same policy and every such tag its attribute.

It comes first in MIDDLEWARE so that responses made by the middleware after
it (a refused Host, the slash redirect, the two-factor redirect, static
files) carry the policy too.
"""

from django.middleware.csp import ContentSecurityPolicyMiddleware, get_nonce


class NonceAlwaysContentSecurityPolicyMiddleware(ContentSecurityPolicyMiddleware):
    def process_request(self, request):
        super().process_request(request)
        str(get_nonce(request))  # generates the nonce now

"""htmx support: request headers (:mod:`.request`), response headers (:mod:`.response`)
and out-of-band swaps (:mod:`.oob`). Everything is re-exported here::

    from shipyard.web import htmx
    htmx.trigger(response, "saved")
"""

from shipyard.web.htmx.oob import css_escape, oob, oob_attrs, with_oob
from shipyard.web.htmx.request import Htmx, HtmxDetails, htmx
from shipyard.web.htmx.response import (
    STOP_POLLING,
    SWAP_STYLES,
    htmx_redirect,
    location,
    push_url,
    redirect,
    refresh,
    replace_url,
    reselect,
    reswap,
    retarget,
    stop_polling,
    trigger,
)

__all__ = [
    "STOP_POLLING",
    "SWAP_STYLES",
    "Htmx",
    "HtmxDetails",
    "css_escape",
    "htmx",
    "htmx_redirect",
    "location",
    "oob",
    "oob_attrs",
    "push_url",
    "redirect",
    "refresh",
    "replace_url",
    "reselect",
    "reswap",
    "retarget",
    "stop_polling",
    "trigger",
    "with_oob",
]

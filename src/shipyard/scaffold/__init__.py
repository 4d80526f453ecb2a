"""Code generation: the templates Shipyard renders into a user's project and the code
that renders them (``shipyard new`` writes ``project/``; later generators add features).

Files under a template folder are copied as they are, except that a ``.jinja`` suffix
marks a file rendered with Jinja2 (suffix dropped) and a ``dot-`` prefix becomes ``.``.
A rendered file with nothing but whitespace is not written: that is how a template leaves
out a file for some options (``{% if auth %}...{% endif %}`` around all of it).
"""

"""Imported by the fork server that the per-article workers are forked from.

:mod:`framing.engine` runs its local workers with the ``forkserver`` start method and names
this module as the server's preload: the server, a small process started once, imports it
before forking any worker. Importing it loads the tokenizer, the sentiment lexicon and the
SnowNLP model and computes one short article (:func:`framing.engine.warm_up`), so each worker
starts with the models and every stage module already loaded, sharing their memory with the
server and the other workers instead of holding its own copy.

``gc.freeze()`` then moves everything loaded here out of the garbage collector's reach: a
worker's collections never walk the inherited objects, so they never write to (and so copy)
the pages that hold the models.
"""

from __future__ import annotations

import gc

from framing.engine import warm_up

warm_up()
gc.freeze()

"""framing: measure how Chinese-language news outlets frame a story.

The library is organised as small modules, one per stage (see ``DESIGN`` in the README):
``corpus`` (manifest, ingest, ledger), ``segment`` (paragraphs and roles), ``textview``
(analysis view and script), ``tokens`` (jieba tokens and entities), the analysis modules,
and ``pipeline`` (the ``framing analyze`` run). Import what you need from those modules.
"""

__version__ = "0.1.0"
